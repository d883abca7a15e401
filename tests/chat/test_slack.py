"""Slack: connecting the company's app, linking people, kudos and check-ins without leaving
Slack, notices as direct messages through the delivery ledger, and what happens when Slack
refuses, is unreachable or the app is removed."""

import datetime
import json
import re

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from challenges import services as challenges
from challenges.models import CheckIn
from learning.audit.models import AuditEntry
from learning.chat import services as chat
from learning.chat.models import SLACK, ChatAccount, ChatMessage, SlackWorkspace
from learning.db import atomic, connection, utcnow
from learning.notify.services import notify
from learning.people.models import Person, Preferences
from learning.recognition.models import CompanyValue, Kudos
from tests.chat.conftest import BOT_TOKEN, SECRET, TEAM, command, interaction, link, post


def valid_blocks(blocks):
    """Each block as slack_sdk's models read it back: they check types, lengths and fields."""
    for block in blocks:
        assert Block.parse(block).to_dict() == block
    return blocks


def awake(app, *people):
    """Notices reach these people at once: no quiet hours, every day a working day."""
    with app.app_context(), connection():
        Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456").where(
            Preferences.person.in_([p.id for p in people])
        ).execute()


# Connecting the app


def test_an_admin_connects_the_app_and_its_secrets_are_kept_sealed(app, admin_client, slack):
    manifest = admin_client.get("/admin/slack/manifest.json")
    assert manifest.mimetype == "application/json"
    declared = manifest.get_json()
    assert declared["settings"]["interactivity"]["request_url"] == "http://localhost/slack/events"
    assert {c["command"] for c in declared["features"]["slash_commands"]} == {"/kudos", "/checkin"}
    assert declared["features"]["shortcuts"][0]["callback_id"] == "give_kudos"
    form = {"bot_token": BOT_TOKEN, "signing_secret": SECRET, "app_token": ""}
    response = admin_client.post("/admin/slack", data=form)
    assert response.status_code == 303
    assert "Slack is connected to Acme" in admin_client.get("/admin/slack").text
    assert slack.made("auth.test")
    row = SlackWorkspace.get()
    assert (row.team_id, row.team_name, row.bot_user_id) == (TEAM, "Acme", "UBOT")
    assert BOT_TOKEN not in row.bot_token and SECRET not in row.signing_secret
    with app.app_context():
        assert chat.secrets(row)[:2] == (BOT_TOKEN, SECRET)
    assert AuditEntry.get(AuditEntry.action == "slack_installed").subject == "Acme"


@pytest.mark.parametrize(
    ("values", "message", "field"),
    [
        ({"bot_token": "xoxp-user-token"}, "A bot token starts with xoxb-", "bot_token"),
        ({"bot_token": ""}, "Paste the app&#39;s bot token.", "bot_token"),
        ({"signing_secret": "not-a-secret"}, "A signing secret is 32 letters", "signing_secret"),
        ({"app_token": "xoxb-wrong-kind"}, "An app-level token starts with xapp-", "app_token"),
    ],
)
def test_a_malformed_secret_is_refused_next_to_its_field_and_the_rest_kept(
    admin_client, slack, values, message, field
):
    form = {"bot_token": BOT_TOKEN, "signing_secret": SECRET, "app_token": "", **values}
    response = admin_client.post("/admin/slack", data=form)
    assert response.status_code == 422 and message in response.text
    assert f'id="{field}-error"' in response.text
    kept = next(k for k in ("bot_token", "signing_secret") if k != field)
    assert f'value="{form[kept]}"' in response.text
    assert SlackWorkspace.select().count() == 0 and not slack.calls


def test_a_token_slack_refuses_is_said_so_and_nothing_is_kept(admin_client, slack):
    slack.answers["auth.test"] = {"ok": False, "error": "invalid_auth"}
    form = {"bot_token": BOT_TOKEN, "signing_secret": SECRET}
    response = admin_client.post("/admin/slack", data=form)
    assert response.status_code == 422
    assert "Slack did not accept that bot token (invalid_auth)." in response.text
    assert SlackWorkspace.select().count() == 0


# Requests from Slack


def test_requests_without_slacks_signature_or_replayed_later_are_refused(
    app, client, workspace, member, slack
):
    link(app, member, "U1")
    wrong = command(client, "/kudos", "", secret="f" * 32)
    replayed = command(
        client, "/kudos", "", timestamp=int(datetime.datetime.now().timestamp()) - 600
    )
    assert wrong.status_code == 401 and replayed.status_code == 401
    assert not slack.made("views.open")
    with app.app_context(), connection():
        chat.uninstall(Person.get(Person.email == "admin@example.com"))
    assert command(client, "/kudos", "").status_code == 404


def test_someone_not_linked_gets_a_link_that_connects_their_account(
    app, client, workspace, member, member_client
):
    answer = command(client, "/kudos", "<@U2|bo> thanks", user="U9")
    assert answer.status_code == 200
    said = answer.get_json()
    assert said["response_type"] == "ephemeral" and "Connect your Slack account" in said["text"]
    path = re.search(r"http://localhost(/chat/slack/link/\S+)", said["text"]).group(1)
    assert client.get(path).status_code == 302  # sign in first
    page = member_client.get(path)
    assert page.status_code == 200 and "Connect your Slack account" in page.text
    assert member_client.post(path).status_code == 303
    account = ChatAccount.get(ChatAccount.person == member)
    assert (account.service, account.team_id, account.external_id) == (SLACK, TEAM, "U9")
    assert member_client.get("/chat/slack/link/forged").status_code == 404


def test_people_connect_by_their_own_address_when_slack_knows_it(
    app, member, member_client, workspace, slack
):
    slack.people["member@example.com"] = "U7"
    page = member_client.get("/account/chat").text
    assert "Connect my Slack account" in page
    assert member_client.post("/account/chat/slack").status_code == 303
    assert ChatAccount.get(ChatAccount.person == member).external_id == "U7"
    assert slack.made("users.lookupByEmail")[-1]["email"] == "member@example.com"
    member_client.post("/account/chat/slack/remove")
    del slack.people["member@example.com"]
    member_client.post("/account/chat/slack")
    page = member_client.get("/account/chat").text
    assert "No one in Acme uses member@example.com" in page
    assert ChatAccount.select().count() == 0


# Kudos


@pytest.fixture
def pair(app, cohort, team, workspace):
    """Two members of one cohort, each linked to their Slack account."""
    giver, receiver = team[0], team[1]
    link(app, giver, "U1")
    link(app, receiver, "U2")
    awake(app, giver, receiver)
    return giver, receiver


def test_kudos_given_with_one_command_reach_the_receiver_in_slack_once(
    app, client, pair, cohort, slack, run_jobs
):
    giver, receiver = pair
    value = CompanyValue.select().order_by(CompanyValue.id).first()
    text = f"<@U2|bo> {value.name.lower()} Thanks for the demo"
    first = command(client, "/kudos", text, trigger="t-1")
    again = command(client, "/kudos", text, trigger="t-1")  # Slack retries the same request
    assert first.get_json()["text"].startswith(f"Kudos to {receiver.display_name} in {cohort.name}")
    assert again.status_code == 200
    [kudos] = Kudos.select()
    assert (kudos.giver_id, kudos.receiver_id, kudos.value_id) == (giver.id, receiver.id, value.id)
    assert kudos.message == "Thanks for the demo" and kudos.cohort_id == cohort.id
    run_jobs()
    run_jobs()
    [sent] = slack.made("chat.postMessage")
    assert sent["channel"] == "U2"
    blocks = valid_blocks(
        json.loads(sent["blocks"]) if isinstance(sent["blocks"], str) else sent["blocks"]
    )
    assert giver.display_name in json.dumps(blocks) and "Thanks for the demo" in sent["text"]
    assert ChatMessage.get().status == "sent"


def test_kudos_with_something_missing_open_the_form_and_its_answer_gives_them(
    app, client, pair, cohort, slack
):
    giver, receiver = pair
    assert command(client, "/kudos", "<@U2|bo>", trigger="t-2").status_code == 200
    [opened] = slack.made("views.open")
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    assert View(**view).to_dict() == view and view["callback_id"] == "kudos"
    assert view["blocks"][0]["element"]["initial_user"] == "U2"
    value = CompanyValue.select().order_by(CompanyValue.id).first()

    def submit(receiver_id, message, view_id="V1"):
        return interaction(client, {"type": "view_submission", "user": {"id": "U1"},
            "view": {"id": view_id, "type": "modal", "hash": "h", "callback_id": "kudos",
                     "private_metadata": "",
                     "state": {"values": {
                         "receiver": {"receiver": {"type": "users_select",
                                                   "selected_user": receiver_id}},
                         "value": {"value": {"type": "static_select",
                                             "selected_option": {"value": str(value.id)}}},
                         "message": {"message": {"type": "plain_text_input", "value": message}},
                     }}}})  # fmt: skip

    refused = submit("U1", "Me!", "V0")
    assert refused.get_json() == {"response_action": "errors",
        "errors": {"receiver": "Kudos are for someone else: choose a colleague."}}  # fmt: skip
    strangers = submit("U404", "Hi", "V0")
    assert "have not connected their Slack account" in strangers.get_json()["errors"]["receiver"]
    assert Kudos.select().count() == 0
    assert submit("U2", "For the notes").status_code == 200
    assert submit("U2", "For the notes").status_code == 200  # the same submission again
    [kudos] = Kudos.select()
    assert kudos.receiver_id == receiver.id and kudos.message == "For the notes"
    confirmations = [c for c in slack.made("chat.postMessage") if c["channel"] == "U1"]
    assert confirmations and "Kudos to" in confirmations[0]["text"]


def test_kudos_between_people_who_share_no_cohort_are_refused(
    app, client, pair, make_person, slack
):
    stranger = make_person()
    link(app, stranger, "U3")
    value = CompanyValue.select().first()
    answer = command(client, "/kudos", f"<@U3|x> {value.name} thanks")
    assert "share no cohort" in answer.get_json()["text"]
    assert Kudos.select().count() == 0


# Check-ins


def test_checking_in_from_slack_goes_through_the_challenge_once(
    app, client, pair, cohort, program, manager, slack
):
    giver, _ = pair
    today = datetime.date.today()
    with app.app_context(), connection():
        challenge = challenges.create_challenge(
            manager, program, title="Ask one question a day", goal="count", target=5,
            starts_on=today - datetime.timedelta(days=1),
            ends_on=today + datetime.timedelta(days=9),
        )  # fmt: skip
    listed = command(client, "/checkin", "").get_json()
    blocks = valid_blocks(listed["blocks"])
    assert "Ask one question a day" in json.dumps(blocks)
    [done] = [e for b in blocks if b["type"] == "actions" for e in b["elements"]
              if e["action_id"] == "check_in_done"]  # fmt: skip
    click = {"type": "block_actions", "user": {"id": "U1"}, "trigger_id": "tr-9",
             "response_url": slack.response_url, "channel": {"id": "C1"},
             "container": {"type": "message"},
             "actions": [{**done, "block_id": "b", "action_ts": "1700000000.1"}]}  # fmt: skip
    assert interaction(client, click).status_code == 200
    assert interaction(client, click).status_code == 200  # Slack sends the click again
    [entry] = CheckIn.select()
    assert (entry.person_id, entry.challenge_id, entry.status) == (giver.id, challenge.id, "done")
    answers = [a for name, a in slack.calls if name == "response_url"]
    assert answers[0]["replace_original"] is True
    assert answers[0]["text"].startswith("Checked in to Ask one question a day: did it.")
    assert "1 of 5 check-ins together" in answers[0]["text"]


def test_no_running_challenge_is_said_plainly(app, client, pair):
    answer = command(client, "/checkin", "").get_json()
    assert answer["text"] == "No challenge is running in your cohorts right now."


# Notices as direct messages


def notice(app, person, kind="kudos", key="k-1", text="Ana thanked you", answer=""):
    with app.app_context(), connection(), atomic():
        return notify(person, kind, key, text, "/", place="Cohort 1", answer=answer)


def test_notices_wait_for_quiet_hours_and_muted_kinds_stay_out_of_slack(
    app, pair, slack, run_jobs, member_client
):
    _, receiver = pair
    with app.app_context(), connection():
        Preferences.update(quiet_from=0, quiet_until=23, working_days="0123456").where(
            Preferences.person == receiver.id
        ).execute()
        Person.update(time_zone="UTC").where(Person.id == receiver.id).execute()
    notice(app, receiver)
    run_jobs()
    message = ChatMessage.get()
    if utcnow().hour < 23:
        assert message.status == "waiting" and not slack.made("chat.postMessage")
    with app.app_context(), connection():
        from learning.notify import preferences

        preferences.mute(receiver.id, "milestone", "chat")
    notice(app, receiver, kind="milestone", key="m-1")
    run_jobs()
    assert ChatMessage.select().count() == 1


def test_a_slack_outage_delays_a_notice_which_is_then_sent_once(app, pair, slack, run_jobs):
    _, receiver = pair
    slack.answers["chat.postMessage"] = [(503, {"ok": False, "error": "service_unavailable"})]
    notice(app, receiver)
    run_jobs()
    assert (
        ChatMessage.get().status == "waiting" and "service_unavailable" in ChatMessage.get().error
    )
    from learning.chat.tasks import release_due

    with app.app_context(), connection():
        assert release_due(utcnow() + datetime.timedelta(seconds=1)) == 1
    run_jobs()
    run_jobs()
    assert ChatMessage.get().status == "sent"
    assert len(slack.made("chat.postMessage")) == 2


def test_a_revoked_app_stops_sending_tells_the_admins_once_and_the_web_goes_on(
    app, pair, slack, run_jobs, inbox, admin, member_client, sign_in
):
    _, receiver = pair
    awake(app, admin)
    slack.answers["chat.postMessage"] = {"ok": False, "error": "token_revoked"}
    notice(app, receiver, key="k-1")
    notice(app, receiver, key="k-2")
    run_jobs()
    run_jobs()
    assert SlackWorkspace.get().revoked_at is not None
    assert {m.status for m in ChatMessage.select()} == {"failed"}
    told = inbox.to("admin@example.com")
    assert len(told) == 1 and "Slack stopped taking messages" in told[0]["Subject"]
    notice(app, receiver, key="k-3")
    run_jobs()
    assert ChatMessage.select().count() == 2  # nothing more for Slack
    assert member_client.get("/").status_code == 200
    page = sign_in(admin).get("/admin/slack").text
    assert "Messages that could not be sent" in page and "Slack: token_revoked" in page


def test_the_app_removed_from_slack_is_heard_of(app, client, pair, run_jobs, inbox):
    answer = interaction(client, {"type": "x"}) if False else post(client, {})
    assert answer.status_code in (200, 404)
    body = json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A1",
                       "type": "event_callback", "event_id": "Ev1", "event_time": 1,
                       "event": {"type": "app_uninstalled"}})  # fmt: skip
    from tests.chat.conftest import signed

    headers = {**signed(body), "Content-Type": "application/json"}
    assert client.post("/slack/events", data=body, headers=headers, csrf=False).status_code == 200
    assert SlackWorkspace.get().revoked_reason == "app_uninstalled"


# Replies from a notice


def test_a_reply_written_in_slack_lands_in_the_thread(app, client, pair, cohort, slack, run_jobs):
    from feedback import services as feedback
    from feedback.models import Reply, Thread

    giver, receiver = pair
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, receiver, "question", "How do you plan?", "Tips?")
        feedback.reply(thread, giver, body="With a list.")
    run_jobs()
    [sent] = [c for c in slack.made("chat.postMessage")
              if c["channel"] == "U2" and "replied to" in c["text"]]  # fmt: skip
    blocks = valid_blocks(
        json.loads(sent["blocks"]) if isinstance(sent["blocks"], str) else sent["blocks"]
    )
    [reply_button] = [e for b in blocks if b["type"] == "actions" for e in b["elements"]
                      if e.get("action_id") == "reply_open"]  # fmt: skip
    opened = interaction(client, {"type": "block_actions", "user": {"id": "U2"},
        "trigger_id": "tr-1", "response_url": slack.response_url,
        "actions": [{**reply_button, "block_id": "b", "action_ts": "1.2"}]})  # fmt: skip
    assert opened.status_code == 200
    view = slack.made("views.open")[-1]["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert View(**view).to_dict() == view

    def submit(text):
        return interaction(client, {"type": "view_submission", "user": {"id": "U2"},
            "view": {"id": "V5", "type": "modal", "hash": "h", "callback_id": "reply",
                     "private_metadata": view["private_metadata"],
                     "state": {"values": {"text": {"text": {"type": "plain_text_input",
                                                            "value": text}}}}}})  # fmt: skip

    assert submit("").get_json()["errors"] == {"text": "Write a reply."}
    assert submit("Thanks, trying it.").status_code == 200
    answer = Reply.select().where(Reply.thread == thread, Reply.author == receiver).get()
    assert answer.body == "Thanks, trying it."
    assert Thread.get_by_id(thread.id).reply_count == 2


# A cohort's news in its channel


def test_a_cohorts_news_goes_to_the_channel_its_facilitator_chose(
    app, cohort, team, facilitator, sign_in, workspace, slack, run_jobs, program, manager
):
    from feedback import services as feedback

    slack.answers["conversations.list"] = {"ok": True, "channels": [
        {"id": "C42", "name": "cohort-3"}, {"id": "C7", "name": "general"}]}  # fmt: skip
    client = sign_in(facilitator)
    page = client.get(f"/cohorts/{cohort.id}/channels")
    assert page.status_code == 200 and "#cohort-3" in page.text
    refused = client.post(f"/cohorts/{cohort.id}/channels", data={"slack_channel": "C999"})
    assert refused.status_code == 422 and "Choose one of the channels listed." in refused.text
    bad = client.post(f"/cohorts/{cohort.id}/channels",
                      data={"slack_channel": "C42", "teams_address": "nope"})  # fmt: skip
    assert bad.status_code == 422 and "Give an https:// address." in bad.text
    assert 'value="nope"' in bad.text
    assert client.post(f"/cohorts/{cohort.id}/channels",
                       data={"slack_channel": "C42"}).status_code == 303  # fmt: skip
    member = next(p for p in team if p.id != facilitator.id)
    assert sign_in(member).get(f"/cohorts/{cohort.id}/channels").status_code == 404
    with app.app_context(), connection():
        feedback.start_thread(cohort, member, "question", "How do you plan a week?",
                              "Private details that stay in the cohort.")  # fmt: skip
        challenge = challenges.create_challenge(
            manager, program, title="One question", goal="count", target=1,
            starts_on=datetime.date.today() - datetime.timedelta(days=1),
            ends_on=datetime.date.today() + datetime.timedelta(days=6),
        )  # fmt: skip
        challenges.check_in(member, challenge, cohort, "done")
    run_jobs()
    run_jobs()
    posted = [c for c in slack.made("chat.postMessage") if c["channel"] == "C42"]
    texts = [c["text"] for c in posted]
    assert any("started a conversation: “How do you plan a week?”" in t for t in texts)
    assert any("One question" in t for t in texts), texts  # the goal reached, celebrated
    assert not any("Private details" in json.dumps(c) for c in posted)
    for call in posted:
        valid_blocks(
            json.loads(call["blocks"]) if isinstance(call["blocks"], str) else call["blocks"]
        )
    run_jobs()
    assert len([c for c in slack.made("chat.postMessage") if c["channel"] == "C42"]) == len(posted)


def test_one_slack_account_is_one_persons_even_when_two_link_it_at_once(
    app, workspace, make_person, at_once, member_client, member
):
    first, second = make_person(), make_person()
    errors = at_once(lambda person: chat.link_slack(person, TEAM, "U5"), [first, second])
    assert [type(e).__name__ for e in errors] == ["Refused"]
    assert "connected to someone else" in str(errors[0])
    assert ChatAccount.select().where(ChatAccount.external_id == "U5").count() == 1
    # The same refusal on the page, for someone following the app's link later.
    token = None
    with app.app_context():
        token = chat.link_token(TEAM, "U5")
    member_client.post(f"/chat/slack/link/{token}")
    assert "connected to someone else" in member_client.get("/account/chat").text
    assert not ChatAccount.select().where(ChatAccount.person == member).exists()
