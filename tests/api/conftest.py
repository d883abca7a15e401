"""Requests as an integrator makes them: a bearer token, JSON."""

import pytest

from learning.api import services as tokens
from learning.db import connection


@pytest.fixture
def make_token(app):
    """A live token: personal for `person`, or (with `roles`) a service token `admin` made."""

    def make(person, *scopes, roles=None, name="Integration"):
        with app.app_context(), connection():
            if roles is None:
                return tokens.make_personal(person, name, scopes)[1]
            return tokens.make_service(person, name, roles, scopes)[1]

    return make


@pytest.fixture
def api(client):
    """Send a request with `token`: (status, JSON body, response)."""

    def send(method, path, token=None, body=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = client.open(f"/api/v1{path}", method=method, json=body, headers=headers,
                               **kwargs)  # fmt: skip
        return response.status_code, response.get_json(silent=True), response

    return send
