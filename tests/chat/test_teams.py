"""Microsoft Teams through Workflows: a person connects their chat with the address of a
workflow, and their notices arrive there as Adaptive Cards, posted to a real HTTP receiver on
loopback; an address that is not one is refused, and an outage is retried."""

import datetime

from pytest_httpserver import HTTPServer
from werkzeug import Response

from learning.chat.models import TEAMS, ChatAccount, ChatMessage
from learning.chat.tasks import release_due
from learning.db import atomic, connection, utcnow
from learning.notify.services import notify
from learning.people.models import Preferences


def test_notices_reach_a_teams_chat_as_adaptive_cards_even_after_an_outage(
    app, member, member_client, run_jobs
):
    server = HTTPServer(host="127.0.0.1")
    answers = [503]
    cards = []

    def workflow(request):
        cards.append(request.get_json())
        return Response("", status=answers.pop(0) if answers else 202)

    server.expect_request("/workflows/1", method="POST").respond_with_handler(workflow)
    server.start()
    try:
        refused = member_client.post("/account/chat/teams", data={"address": "ftp://nope"})
        assert refused.status_code == 422 and "Give an https:// address." in refused.text
        assert 'value="ftp://nope"' in refused.text
        address = server.url_for("/workflows/1")
        assert (
            member_client.post("/account/chat/teams", data={"address": address}).status_code == 303
        )
        account = ChatAccount.get(ChatAccount.person == member, ChatAccount.service == TEAMS)
        assert address not in account.address  # sealed
        with app.app_context(), connection():
            Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456").execute()
            with atomic():
                notify(member, "kudos", "k-1", "Ana thanked you", "/cohorts/1", place="Cohort 1")
        run_jobs()
        assert ChatMessage.get().status == "waiting"
        with app.app_context(), connection():
            release_due(utcnow() + datetime.timedelta(seconds=1))
        run_jobs()
        assert ChatMessage.get().status == "sent" and len(cards) == 2
        card = cards[-1]["attachments"][0]
        assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
        body = card["content"]["body"]
        assert body[0]["text"] == "Ana thanked you" and "Cohort 1" in body[-1]["text"]
        assert card["content"]["actions"][0]["url"] == "http://localhost/cohorts/1"
        member_client.post("/account/chat/teams/remove")
        assert ChatAccount.select().count() == 0
    finally:
        server.clear()
        server.stop()
