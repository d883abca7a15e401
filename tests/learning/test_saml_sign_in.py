"""SAML 2.0 sign-in against a real identity provider made with pysaml2's own server classes,
signing real assertions with a real key (xmlsec1): a person signs in on a persistent NameID;
an unsigned assertion, one for another service, one signed by another key and a replayed
one sign nobody in."""

import base64
import datetime as dt
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import AUTHN_PASSWORD_PROTECTED, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

from learning.audit.models import AuditEntry
from learning.db import connection
from learning.people.models import Person
from learning.sso.models import ExternalIdentity

IDP = "https://idp.acme.test/metadata"
SP = "http://localhost/sign-in/saml/metadata"
ACS = "http://localhost/sign-in/saml/done"


def key_and_certificate(folder, name):
    """A fresh RSA key and a self-signed certificate for it, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))  # fmt: skip
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


def idp_config(key, certificate, sp_metadata=None):
    config = IdPConfig()
    config.load({
        "entityid": IDP,
        "service": {"idp": {
            "endpoints": {"single_sign_on_service": [
                ("https://idp.acme.test/sso", BINDING_HTTP_REDIRECT)]},
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            "policy": {"default": {"lifetime": {"minutes": 15}}},
        }},
        "key_file": key, "cert_file": certificate,
        "xmlsec_binary": shutil.which("xmlsec1"),
        "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
    })  # fmt: skip
    return config


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saml")
    published = key_and_certificate(folder, "idp")
    metadata = folder / "idp-metadata.xml"
    metadata.write_text(create_metadata_string(None, config=idp_config(*published), valid=None)
                        .decode())  # fmt: skip
    return {"published": published, "other": key_and_certificate(folder, "other"),
            "metadata": str(metadata)}  # fmt: skip


@pytest.fixture
def app_config(keys):
    return {"SAML_IDP_METADATA": keys["metadata"], "SAML_NAME": "Acme SAML"}


@pytest.fixture
def provider(client, keys):
    """The identity provider, knowing this service by its published metadata."""
    sp_metadata = client.get("/sign-in/saml/metadata")
    assert sp_metadata.status_code == 200 and SP in sp_metadata.text

    def made(key="published"):
        return Server(config=idp_config(*keys[key], sp_metadata=sp_metadata.text))

    return made


def sign_in(client, server, audience=SP, signed=True, name_id="saml-kim", **attributes):
    """Leave for the provider, which signs `name_id` in and posts its answer back."""
    start = client.get("/sign-in/saml")
    assert start.status_code == 302
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    asked = server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
    answer = server.create_authn_response(
        identity={"mail": ["kim@example.com"], "displayName": ["Kim Lee"], **attributes},
        in_response_to=asked.message.id, destination=ACS, sp_entity_id=audience,
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
        authn={"class_ref": AUTHN_PASSWORD_PROTECTED}, sign_assertion=signed, sign_response=False,
    )  # fmt: skip
    posted = base64.b64encode(str(answer).encode()).decode()
    return posted, client.post("/sign-in/saml/done", data={"SAMLResponse": posted}, csrf=False)


def test_the_sign_in_page_offers_saml_and_the_metadata_names_this_service(client):
    assert "Sign in with Acme SAML" in client.get("/sign-in").text
    metadata = client.get("/sign-in/saml/metadata")
    assert ACS in metadata.text and BINDING_HTTP_POST in metadata.text
    assert metadata.mimetype == "application/samlmetadata+xml"


def test_a_person_signs_in_on_a_persistent_name_id(app, client, provider, make_person):
    kim = make_person("kim@example.com", "Kim")
    _posted, answer = sign_in(client, provider())
    assert answer.status_code == 302, answer.text
    assert client.get("/account").status_code == 200
    with app.app_context(), connection():
        identity = ExternalIdentity.get(ExternalIdentity.person == kim.id)
        assert (identity.issuer, identity.subject) == (IDP, "saml-kim")
        assert Person.get_by_id(kim.id).display_name == "Kim Lee"


@pytest.mark.parametrize("wrong", ["unsigned", "audience", "key", "replayed"])
def test_an_answer_that_cannot_be_trusted_signs_nobody_in(app, client, provider, make_person,
                                                           wrong):  # fmt: skip
    make_person("kim@example.com", "Kim")
    server = provider("other" if wrong == "key" else "published")
    posted, answer = sign_in(client, server, signed=wrong != "unsigned",
                             audience="https://elsewhere.example/metadata" if wrong == "audience"
                             else SP)  # fmt: skip
    if wrong == "replayed":
        assert answer.status_code == 302
        client.post("/sign-out")
        thief = app.test_client()
        answer = thief.post("/sign-in/saml/done", data={"SAMLResponse": posted}, csrf=False)
        client = thief
    assert answer.status_code == 400, answer.text
    assert "could not be trusted" in answer.text
    assert client.get("/account").status_code == 302
    with app.app_context(), connection():
        assert AuditEntry.select().where(AuditEntry.action == "sso_refused").count() == 1
