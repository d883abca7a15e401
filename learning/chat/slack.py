"""Slack: the company's app (slack-bolt), served at /slack/events (HTTP mode) or over Socket
Mode (`flask slack-socket`, no public address needed). Commands, a message shortcut, buttons
and modals, each for a person linked to their Slack account and through the same services
and rules as the web; and the messages the delivery job posts.

What a domain registers (learning.chat.services.register):
- "kudos": values() -> [(id, name)]; give(giver, receiver, value_id, message, token) -> text
- "check_in": running(person) -> [Doable]; check_in(person, cohort_id, challenge_id, status,
  token) -> text
- "reply": reply(person, answer, text, token) -> text (answer: a notice's `answer`)
Each refuses with learning.errors.Refused (its message is shown in Slack) or NotFound."""

import functools
import logging
import re
import threading
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from learning.chat import services
from learning.db import connection
from learning.errors import NotFound, Refused
from learning.i18n import as_reader
from learning.mail.services import absolute_path, absolute_url

log = logging.getLogger(__name__)

# Slack answers that mean our token is no longer good: the app is gone from the workspace.
REVOKED = {"invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired",
           "app_uninstalled"}  # fmt: skip
# Answers no retry changes.
REFUSED = {"channel_not_found", "not_in_channel", "is_archived", "user_not_found",
           "invalid_blocks", "msg_too_long", "no_text", "cannot_dm_bot",
           "user_disabled"}  # fmt: skip
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
MESSAGE_MAX = 500


class Doable(NamedTuple):
    """A running challenge someone can check in to from Slack."""

    cohort_id: int
    challenge_id: int
    title: str
    place: str
    progress: str
    buttons: bool  # done, blocked, skipped: a count goal; others need the web form
    link: str


def client(token):
    return WebClient(token=token, base_url=current_app.config["SLACK_API_URL"], timeout=10)


# Posting (the delivery job)


def post(workspace, target, payload):
    """Post a message to a user (their DM with the app) or a channel."""
    from learning.chat.tasks import Permanent, Revoked

    try:
        client(services.secrets(workspace)[0]).chat_postMessage(channel=target, **payload)
    except SlackApiError as error:
        code = error.response.get("error", "")
        if code in REVOKED:
            raise Revoked(code) from error
        if code in REFUSED:
            raise Permanent(f"Slack: {code}") from error
        if error.response.status_code == 429:
            error.retry_after = int(error.response.headers.get("Retry-After", 30))
        raise


def notice_message(notice, kind_label):
    """A notice as a Slack message: where, what, and buttons to open it (and to answer it,
    when it can be answered from Slack)."""
    buttons = [
        ButtonElement(text=_("Open"), url=absolute_path(notice.link), action_id="open_notice")
    ]
    if notice.answer and services.handler("reply") is not None:
        buttons.append(ButtonElement(text=_("Reply"), action_id="reply_open",
                                     value=str(notice.id), style="primary"))  # fmt: skip
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=_escape(notice.text))),
        ContextBlock(elements=[MarkdownTextObject(
            text=_escape(f"{notice.place} · {kind_label}" if notice.place else str(kind_label))
        )]),
        ActionsBlock(elements=buttons),
    ]  # fmt: skip
    return {"text": notice.text, "blocks": [b.to_dict() for b in blocks]}


def _escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# The app


_apps = {}
_apps_lock = threading.Lock()


def bolt_app(workspace):
    """The bolt app of the installed workspace, kept per process and per install (its key: the
    row and when it was installed, so new secrets make a new app)."""
    key = (workspace.id, workspace.installed_at)
    with _apps_lock:
        found = _apps.get(key)
        if found is None:
            _apps.clear()
            found = _apps[key] = _build(current_app._get_current_object(), workspace)
    return found


def _build(flask_app, workspace):
    from slack_bolt import App  # 4 MB, for the processes that hear Slack only

    bot_token, signing_secret, _app_token = services.secrets(workspace)
    bolt = App(
        token=bot_token,
        signing_secret=signing_secret,
        client=client(bot_token),
        process_before_response=True,
        token_verification_enabled=False,
        logger=log,
    )

    def listen(register, *args):
        def wrap(fn):
            @functools.wraps(fn)
            def run(**kwargs):
                with flask_app.app_context(), connection():
                    return fn(**kwargs)

            register(*args)(run)
            return fn

        return wrap

    listen(bolt.command, "/kudos")(kudos_command)
    listen(bolt.shortcut, "give_kudos")(kudos_shortcut)
    listen(bolt.view, "kudos")(kudos_submitted)
    listen(bolt.command, "/checkin")(check_in_command)
    listen(bolt.action, re.compile(r"^check_in_(done|blocked|skipped)$"))(checked_in)
    listen(bolt.action, "reply_open")(reply_open)
    listen(bolt.view, "reply")(reply_submitted)
    listen(bolt.action, "open_notice")(lambda ack: ack())
    listen(bolt.event, "app_uninstalled")(uninstalled)
    listen(bolt.event, "tokens_revoked")(uninstalled)
    return bolt


def _person(body):
    team = (body.get("team") or {}).get("id") or body.get("team_id", "")
    user = (body.get("user") or {}).get("id") or body.get("user_id", "")
    return team, user, services.slack_person(team, user)


def not_linked(team_id, user_id):
    """What someone not linked yet is told: a link to connect their account."""
    link = absolute_url("chat.link_slack", token=services.link_token(team_id, user_id))
    text = _("Connect your Slack account to the Learning Community first (it takes one click "
             "once you are signed in): %(link)s", link=link)  # fmt: skip
    return {"response_type": "ephemeral", "text": text}


# Kudos


def kudos_command(ack, command, client):
    """`/kudos @someone value message`: given at once; anything missing opens the form."""
    team, user, person = _person(command)
    if person is None:
        return ack(**not_linked(team, user))
    with as_reader(person):
        kudos = services.handler("kudos")
        values = kudos.values()
        text = command.get("text", "")
        mention = MENTION.search(text)
        rest = MENTION.sub("", text).strip()
        value_id, message = _value_in(values, rest)
        if mention and value_id:
            token = services.once_key("kudos-command", command.get("trigger_id", ""))
            try:
                answer = _give(kudos, person, team, mention.group(1), value_id, message, token)
            except Refused as refused:
                answer = str(refused)
            return ack(response_type="ephemeral", text=answer)
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=kudos_modal(
            values, mention and mention.group(1), message or rest, value_id))  # fmt: skip


def kudos_shortcut(ack, shortcut, client):
    """ "Give kudos" on any Slack message: the form, for its author, quoting it."""
    ack()
    team, user, person = _person(shortcut)
    if person is None:
        return client.chat_postEphemeral(channel=shortcut["channel"]["id"], user=user,
                                         **not_linked(team, user))  # fmt: skip
    with as_reader(person):
        quoted = shortcut.get("message", {})
        client.views_open(trigger_id=shortcut["trigger_id"], view=kudos_modal(
            services.handler("kudos").values(), quoted.get("user"),
            _("For this: %(quote)s", quote=quoted.get("text", "")[:300])))  # fmt: skip


def kudos_submitted(ack, body, view, client):
    team, user, person = _person(body)
    if person is None:
        return ack(response_action="errors", errors={"receiver": not_linked(team, user)["text"]})
    values = view["state"]["values"]
    receiver = values["receiver"]["receiver"].get("selected_user")
    chosen = (values["value"]["value"].get("selected_option") or {}).get("value")
    message = (values["message"]["message"].get("value") or "").strip()
    with as_reader(person):
        kudos = services.handler("kudos")
        token = services.once_key("kudos-view", view["id"], view.get("hash", ""))
        try:
            answer = _give(kudos, person, team, receiver, chosen and int(chosen), message, token)
        except Refused as refused:
            field = refused.field if refused.field in ("receiver", "value") else "message"
            return ack(response_action="errors", errors={field: str(refused)})
        ack()
        client.chat_postMessage(channel=user, text=answer)


def _give(kudos, giver, team, user_id, value_id, message, token):
    """What was given, in words; Refused, naming its field, when it cannot be."""
    receiver = services.slack_person(team, user_id) if user_id else None
    if receiver is None:
        raise Refused(_("They have not connected their Slack account yet: give kudos on the "
                        "web, or ask them to connect."), "receiver")  # fmt: skip
    try:
        return kudos.give(giver, receiver, value_id, message, token)
    except NotFound:
        raise Refused(_("That cannot be done.")) from None


def _value_in(values, text):
    """(the company value `text` starts with, the rest): the longest name that fits."""
    lowered = text.lower()
    for value_id, name in sorted(values, key=lambda v: -len(v[1])):
        if lowered.startswith(name.lower()) and not text[len(name) : len(name) + 1].isalnum():
            return value_id, text[len(name) :].strip(" :-—")
    return None, text.strip()


def kudos_modal(values, receiver=None, message="", value_id=None):
    """The kudos form in Slack: who, for which value, and a message."""
    options = [Option(text=name[:75], value=str(value_id)) for value_id, name in values]
    initial = next((o for o in options if o.value == str(value_id)), None)
    blocks = [
        InputBlock(block_id="receiver", label=_("Who"),
                   element=UserSelectElement(action_id="receiver", initial_user=receiver)),
        InputBlock(block_id="value", label=_("For which value"),
                   element=StaticSelectElement(action_id="value", options=options or None,
                                               initial_option=initial)),
        InputBlock(block_id="message", label=_("Message"), optional=True,
                   element=PlainTextInputElement(action_id="message", multiline=True,
                                                 max_length=MESSAGE_MAX,
                                                 initial_value=message[:MESSAGE_MAX] or None)),
    ]  # fmt: skip
    if not options:
        blocks.pop(1)
    return View(type="modal", callback_id="kudos", title=_("Give kudos"), submit=_("Give kudos"),
                close=_("Cancel"), blocks=blocks).to_dict()  # fmt: skip


# Check-ins


def check_in_command(ack, command):
    """`/checkin`: the running challenges of one's cohorts, each with its buttons."""
    team, user, person = _person(command)
    if person is None:
        return ack(**not_linked(team, user))
    with as_reader(person):
        doable = services.handler("check_in").running(person)
        if not doable:
            return ack(response_type="ephemeral", text=_("No challenge is running in your "
                                                         "cohorts right now."))  # fmt: skip
        ack(response_type="ephemeral", text=_("Check in to a challenge"),
            blocks=[b.to_dict() for b in check_in_blocks(doable)])  # fmt: skip


def check_in_blocks(doable):
    blocks = []
    for item in doable:
        value = f"{item.cohort_id}:{item.challenge_id}"
        blocks.append(SectionBlock(
            text=MarkdownTextObject(text=f"*{_escape(item.title)}* · {_escape(item.place)}\n"
                                         f"{_escape(item.progress)}")))  # fmt: skip
        if item.buttons:
            buttons = [ButtonElement(text=_("Did it"), action_id="check_in_done", value=value,
                                     style="primary")]  # fmt: skip
        else:
            buttons = [ButtonElement(text=_("Check in on the web"), url=item.link,
                                     action_id="open_notice")]  # fmt: skip
        buttons += [
            ButtonElement(text=_("Blocked"), action_id="check_in_blocked", value=value),
            ButtonElement(text=_("Skipped"), action_id="check_in_skipped", value=value),
        ]
        blocks.append(ActionsBlock(block_id=f"check-in-{value}", elements=buttons))
    return blocks


def checked_in(ack, body, action, respond):
    ack()
    team, user, person = _person(body)
    if person is None:
        return respond(**not_linked(team, user))
    status = action["action_id"].removeprefix("check_in_")
    cohort_id, challenge_id = (int(part) for part in action["value"].split(":"))
    token = services.once_key("check-in", body.get("trigger_id", ""), action.get("action_ts", ""))
    with as_reader(person):
        try:
            answer = services.handler("check_in").check_in(person, cohort_id, challenge_id,
                                                            status, token)  # fmt: skip
        except (Refused, NotFound) as refused:
            return respond(
                response_type="ephemeral",
                replace_original=False,
                text=str(refused) or _("That challenge is not yours to check in to."),
            )
        respond(replace_original=True, text=answer)


# Replies


def reply_open(ack, body, action, client):
    """ "Reply" on a notice: a form to answer without leaving Slack."""
    ack()
    team, user, person = _person(body)
    if person is None:
        return client.chat_postMessage(channel=user, **not_linked(team, user))
    with as_reader(person):
        view = View(type="modal", callback_id="reply", title=_("Reply"), submit=_("Send"),
                    close=_("Cancel"), private_metadata=action["value"], blocks=[
            InputBlock(block_id="text", label=_("Your reply"), element=PlainTextInputElement(
                action_id="text", multiline=True, max_length=3000)),
        ])  # fmt: skip
        client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())


def reply_submitted(ack, body, view, client):
    from learning.notify.models import Notification

    team, user, person = _person(body)
    if person is None:
        return ack(response_action="errors", errors={"text": not_linked(team, user)["text"]})
    text = (view["state"]["values"]["text"]["text"].get("value") or "").strip()
    notice = Notification.get_or_none(Notification.id == int(view["private_metadata"] or 0),
                                      Notification.person == person)  # fmt: skip
    with as_reader(person):
        if notice is None or not notice.answer:
            return ack(response_action="errors", errors={"text": _("That cannot be answered.")})
        try:
            answer = services.handler("reply").reply(
                person, notice.answer, text, services.once_key("reply", view["id"])
            )
        except (Refused, NotFound) as refused:
            return ack(
                response_action="errors",
                errors={"text": str(refused) or _("That cannot be answered.")},
            )
        ack()
        client.chat_postMessage(channel=user, text=answer)


def uninstalled(ack, event):
    ack()
    services.revoked(event.get("type", "app_uninstalled"))


# Connecting


def identify(bot_token):
    """(team id, team name, the bot's user id) of a bot token, as Slack says; Refused when
    Slack refuses it or cannot be reached."""
    try:
        answer = client(bot_token).auth_test()
    except SlackApiError as error:
        raise Refused(_("Slack did not accept that bot token (%(error)s).",
                        error=error.response.get("error", "?")), "bot_token") from None  # fmt: skip
    except OSError:
        raise Refused(_("Slack cannot be reached from this server; check its outbound access "
                        "and try again."), "bot_token") from None  # fmt: skip
    return answer["team_id"], answer.get("team", ""), answer.get("user_id", "")


def find_by_email(workspace, email):
    """The Slack user of the workspace with this address (Slack checks addresses), or None."""
    try:
        answer = client(services.secrets(workspace)[0]).users_lookupByEmail(email=email)
    except SlackApiError as error:
        if error.response.get("error") == "users_not_found":
            return None
        raise Refused(_("Slack refused to look you up (%(error)s).",
                        error=error.response.get("error", "?"))) from None  # fmt: skip
    except OSError:
        raise Refused(_("Slack cannot be reached right now; try again in a minute.")) from None
    return answer["user"]["id"]


def handle(workspace, flask_request):
    """A request from Slack to the app (HTTP mode), answered by bolt: it checks the signature
    and its age (five minutes), then calls the listener."""
    from slack_bolt.adapter.flask import SlackRequestHandler

    return SlackRequestHandler(bolt_app(workspace)).handle(flask_request)


def socket_mode(workspace, app_token):
    """Serve the app over Socket Mode until stopped: Slack sends its requests down a
    WebSocket this process opens, so the server needs no public address."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    SocketModeHandler(bolt_app(workspace), app_token).start()


def news_message(text, place, link):
    """A cohort's news for its channel: what happened, where, and a button to open it."""
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=_escape(text))),
        ContextBlock(elements=[MarkdownTextObject(text=_escape(place))]),
        ActionsBlock(elements=[ButtonElement(text=_("Open"), url=link, action_id="open_notice")]),
    ]
    return {"text": text, "blocks": [b.to_dict() for b in blocks], "unfurl_links": False}


def channels(workspace):
    """The workspace's public channels, [(id, name)] by name; Refused when Slack cannot say."""
    try:
        answer = client(services.secrets(workspace)[0]).conversations_list(
            types="public_channel", exclude_archived=True, limit=500
        )
    except (SlackApiError, OSError):
        raise Refused(_("Slack cannot list its channels right now; try again in a minute."),
                      "slack_channel") from None  # fmt: skip
    return sorted(((c["id"], c["name"]) for c in answer["channels"]), key=lambda c: c[1])
