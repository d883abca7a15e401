"""A small OpenID Connect provider on loopback for the cases a well-behaved one never shows:
it signs real ID tokens with a real RSA key, and a test tells it how to go wrong (another
key, another audience, an old token, another sign-in's nonce). The happy path runs against
oidc-provider-mock, a full provider."""

import secrets
import threading
import time
from contextlib import contextmanager
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server


class Provider:
    """What the provider signs (`claims`, merged into each ID token) and how it errs
    (`wrong`): None, "key", "audience", "expired", "nonce" or "issuer"."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "published"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "published"})
        self.claims, self.wrong, self.url = {}, None, ""
        self.codes, self.nonces = {}, []

    def app(self):
        app = Flask(__name__)

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.url,
                authorization_endpoint=f"{self.url}/authorize",
                token_endpoint=f"{self.url}/token",
                jwks_uri=f"{self.url}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize():  # signs the person in at once
            code = secrets.token_urlsafe(16)
            self.codes[code] = request.args
            self.nonces.append(request.args.get("nonce"))
            query = urlencode({"code": code, "state": request.args["state"]})
            return redirect(f"{request.args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():
            asked = self.codes.pop(request.form["code"])
            return jsonify(access_token="access", token_type="Bearer", expires_in=300,
                           id_token=self.id_token(asked))  # fmt: skip

        return app

    def id_token(self, asked):
        now = int(time.time())
        claims = {
            "iss": self.url if self.wrong != "issuer" else "https://elsewhere.example",
            "aud": asked["client_id"] if self.wrong != "audience" else "another-app",
            "iat": now - 3600 if self.wrong == "expired" else now,
            "exp": now - 1800 if self.wrong == "expired" else now + 300,
            # Another sign-in's nonce: the first one this provider saw.
            "nonce": self.nonces[0] if self.wrong == "nonce" else asked.get("nonce"),
            "sub": "subject-1",
            **self.claims,
        }
        key = self.other_key if self.wrong == "key" else self.key
        return jwt.encode({"alg": "RS256", "kid": "published"}, claims, key)


@contextmanager
def running():
    """A `Provider` serving on a free loopback port."""
    provider = Provider()
    server = make_server("127.0.0.1", 0, provider.app(), threaded=True)
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
