"""Socket Mode, for a company whose server has no public address: `flask slack-socket` (a real
process) asks Slack's Web API for a WebSocket address, opens it, and answers the requests that
come down it. Slack's side is a real WebSocket server on loopback that sends a /kudos command
as Slack does and reads the process's acknowledgement."""

import asyncio
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from websockets.asyncio.server import serve

from learning.chat import services as chat
from learning.db import connection
from learning.recognition.models import CompanyValue, Kudos
from tests.chat.conftest import BOT_TOKEN, SECRET, TEAM, link

ROOT = Path(__file__).resolve().parents[2]
APP_TOKEN = "xapp-1-A1-test"


class SlackSocket:
    """Slack's end of a Socket Mode connection: it greets, sends `envelopes`, and keeps what
    the app answers."""

    def __init__(self, envelopes):
        self.envelopes, self.answers = envelopes, queue.Queue()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(10)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._serve())

    async def _serve(self):
        async with serve(self._talk, "127.0.0.1", 0) as server:
            self.port = server.sockets[0].getsockname()[1]
            self.stop = self.loop.create_future()
            self.ready.set()
            await self.stop

    async def _talk(self, websocket):
        await websocket.send(json.dumps({"type": "hello", "num_connections": 1,
                                         "connection_info": {"app_id": "A1"}}))  # fmt: skip
        for envelope in self.envelopes:
            await websocket.send(json.dumps(envelope))
        async for message in websocket:
            self.answers.put(json.loads(message))

    def close(self):
        self.loop.call_soon_threadsafe(self.stop.set_result, None)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def socket_app(app, admin):
    with app.app_context(), connection():
        chat.install(admin, TEAM, "Acme", "UBOT", BOT_TOKEN, SECRET, APP_TOKEN)


def test_kudos_typed_in_slack_reach_a_server_without_a_public_address(
    app, database_url, redis_url, slack, socket_app, cohort, team
):
    link(app, team[0], "U1")
    link(app, team[1], "U2")
    value = CompanyValue.select().order_by(CompanyValue.id).first()
    envelope = {
        "envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
        "payload": {"token": "legacy", "team_id": TEAM, "channel_id": "C1", "user_id": "U1",
                    "command": "/kudos", "text": f"<@U2|bo> {value.name} For the socket",
                    "api_app_id": "A1", "trigger_id": "tr-socket",
                    "response_url": slack.response_url},
    }  # fmt: skip
    socket = SlackSocket([envelope])
    slack.answers["apps.connections.open"] = {"ok": True, "url": f"ws://127.0.0.1:{socket.port}/"}
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "SECRET_KEY": "test-secret", "SLACK_API_URL": slack.api}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "slack-socket"], cwd=ROOT, env=env,
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while True:
            answer = socket.answers.get(timeout=30)
            if answer.get("envelope_id") == "env-1":
                break
        assert answer["payload"]["response_type"] == "ephemeral"
        assert answer["payload"]["text"].startswith(f"Kudos to {team[1].display_name}")
        [kudos] = Kudos.select()
        assert kudos.message == "For the socket" and kudos.receiver_id == team[1].id
        opened = slack.made("apps.connections.open")
        assert opened, "the process asked Slack for its WebSocket address"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
        socket.close()
