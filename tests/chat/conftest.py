"""Slack's cloud, the one part that leaves the machine, played by a real HTTP server on
loopback that records every Web API call and answers as Slack does; requests to the app
signed with the app's signing secret, as Slack signs them."""

import json
import time
import uuid
from urllib.parse import parse_qs, urlencode

import pytest
from pytest_httpserver import HTTPServer
from slack_sdk.signature import SignatureVerifier
from werkzeug import Response

from learning.chat import services as chat
from learning.chat.models import SLACK, ChatAccount
from learning.db import connection

SECRET = "0123456789abcdef0123456789abcdef"
BOT_TOKEN = "xoxb-1-2-test"
TEAM = "T0ACME"


class Slack:
    """Slack's Web API as a recorder: `calls` holds (method, arguments) in order; `answers`
    maps a method to what it answers (a dict, or a (status, dict) pair), once each in turn
    when given as a list."""

    def __init__(self):
        self.server = HTTPServer(host="127.0.0.1", threaded=True)
        self.calls, self.answers, self.people = [], {}, {}
        self.server.expect_request("/api/respond", method="POST").respond_with_handler(self.respond)
        self.server.expect_request(uri=__import__("re").compile(r"^/api/[\w.]+$"),
                                   method="POST").respond_with_handler(self.handle)  # fmt: skip
        self.server.start()
        self.api = self.server.url_for("/api/")
        self.response_url = self.server.url_for("/api/respond")

    def _arguments(self, request):
        if request.mimetype == "application/json":
            return request.get_json()
        return {k: v[0] for k, v in parse_qs(request.get_data(as_text=True)).items()}

    def respond(self, request):
        self.calls.append(("response_url", request.get_json()))
        return Response("ok")

    def handle(self, request):
        method = request.path.rsplit("/", 1)[1]
        arguments = self._arguments(request)
        self.calls.append((method, arguments))
        answer = self.answers.get(method)
        if isinstance(answer, list):
            answer = answer.pop(0) if answer else None
        if answer is None:
            answer = self.default(method, arguments)
        status, body = answer if isinstance(answer, tuple) else (200, answer)
        return Response(json.dumps(body), status=status, content_type="application/json")

    def default(self, method, arguments):
        if method == "auth.test":
            return {"ok": True, "team_id": TEAM, "team": "Acme", "user_id": "UBOT"}
        if method == "users.lookupByEmail":
            found = self.people.get(arguments.get("email"))
            return {"ok": True, "user": {"id": found}} if found else {
                "ok": False, "error": "users_not_found"}  # fmt: skip
        return {"ok": True, "ts": "1700000000.000100", "channel": arguments.get("channel", "")}

    def made(self, method):
        return [arguments for name, arguments in self.calls if name == method]

    def stop(self):
        self.server.clear()
        self.server.stop()


@pytest.fixture
def slack():
    made = Slack()
    yield made
    made.stop()


@pytest.fixture
def app_config(slack):
    return {"SLACK_API_URL": slack.api, "CHAT_RETRY_DELAYS": [0, 0],
            "WEBHOOK_PRIVATE_ADDRESSES": True}  # fmt: skip


@pytest.fixture
def workspace(app, admin):
    with app.app_context(), connection():
        return chat.install(admin, TEAM, "Acme", "UBOT", BOT_TOKEN, SECRET)


def link(app, person, user_id):
    with app.app_context(), connection():
        ChatAccount.create(person=person, service=SLACK, team_id=TEAM, external_id=user_id)


def signed(body, secret=SECRET, timestamp=None):
    """Headers Slack sends with a request: its signature over the timestamp and the body."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip


def post(client, fields, **signing):
    body = urlencode(fields)
    return client.post("/slack/events", data=body, headers=signed(body, **signing), csrf=False)


def command(client, name, text, user="U1", trigger=None, **signing):
    return post(client, {
        "token": "legacy", "team_id": TEAM, "team_domain": "acme", "channel_id": "C1",
        "channel_name": "general", "user_id": user, "user_name": user.lower(), "command": name,
        "text": text, "api_app_id": "A1", "response_url": "https://hooks.slack.test/x",
        "trigger_id": trigger or uuid.uuid4().hex,
    }, **signing)  # fmt: skip


def interaction(client, payload, **signing):
    payload = {"team": {"id": TEAM}, "api_app_id": "A1", "token": "legacy", **payload}
    return post(client, {"payload": json.dumps(payload)}, **signing)
