"""A sign-in at the provider whose answer cannot be trusted signs nobody in: an ID token
signed by another key, for another app, from another issuer, too old, or carrying another
sign-in's nonce, and a callback replayed. Each shows a page saying what to do, and is
audited. The provider (tests/identity_provider.py) signs real tokens on loopback."""

from urllib.parse import urlsplit

import pytest
import requests

from learning.audit.models import AuditEntry
from learning.db import connection
from learning.people.models import Person
from learning.sso.models import ExternalIdentity
from tests import identity_provider


@pytest.fixture(scope="module")
def provider():
    with identity_provider.running() as running:
        yield running


@pytest.fixture
def app_config(provider, request):
    """The provider's address, or the one a test gives (`indirect`)."""
    provider.wrong, provider.nonces[:] = None, []
    provider.claims = {"email": "kim@example.com", "email_verified": True, "name": "Kim"}
    return {"OIDC_ISSUER": getattr(request, "param", provider.url), "OIDC_CLIENT_ID": "learning",
            "OIDC_CLIENT_SECRET": "secret", "OIDC_NAME": "Acme ID"}  # fmt: skip


@pytest.fixture
def kim(make_person):
    return make_person("kim@example.com", "Kim")


def leave_and_return(client):
    """Sign in at the provider; the address it sends the browser back to."""
    start = client.get("/sign-in/company")
    assert start.status_code == 302
    signed = requests.get(start.headers["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(signed.headers["Location"])
    return f"{back.path}?{back.query}"


def test_a_trustworthy_answer_signs_in(app, provider, kim):
    client = app.test_client()
    assert client.get(leave_and_return(client)).status_code == 302
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("wrong", ["key", "audience", "issuer", "expired", "nonce"])
def test_an_answer_that_cannot_be_trusted_signs_nobody_in(app, provider, kim, wrong):
    if wrong == "nonce":  # an earlier sign-in's nonce, replayed into a new one
        earlier = app.test_client()
        earlier.get(leave_and_return(earlier))
    provider.wrong = wrong
    client = app.test_client()
    refused = client.get(leave_and_return(client))
    assert refused.status_code == 400
    assert "could not be trusted, or it came too late. Sign in again." in refused.text
    assert client.get("/account").status_code == 302  # to the sign-in page
    with app.app_context(), connection():
        entry = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
        assert entry.action == "sso_refused" and entry.actor_id is None
        assert ExternalIdentity.select().count() == (1 if wrong == "nonce" else 0)


def test_a_replayed_answer_signs_nobody_in(app, provider, kim):
    client = app.test_client()
    answer = leave_and_return(client)
    assert client.get(answer).status_code == 302
    client.post("/sign-out")
    assert client.get(answer).status_code == 400  # its state was used up
    thief = app.test_client()
    assert thief.get(answer).status_code == 400  # and another browser never had it
    assert thief.get("/account").status_code == 302


def test_an_error_from_the_provider_is_explained(app, provider):
    client = app.test_client()
    client.get("/sign-in/company")
    refused = client.get("/sign-in/company/done?error=access_denied&state=x")
    assert refused.status_code == 400 and "Sign in with Acme ID again" in refused.text


@pytest.mark.parametrize("app_config", ["http://127.0.0.1:9"], indirect=True)
def test_an_unreachable_provider_is_explained(app):
    response = app.test_client().get("/sign-in/company")
    assert response.status_code == 502
    assert "cannot be reached now" in response.text
    with app.app_context(), connection():
        assert not Person.select().where(Person.email == "kim@example.com").exists()
