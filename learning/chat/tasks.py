"""The chat delivery job: at most one send per message row, whatever RQ retries or repeats;
Slack's Web API or a Teams Workflows webhook, each over HTTP."""

import json
import logging
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from learning.chat import slack, teams
from learning.chat.models import SLACK, ChatMessage, SlackWorkspace
from learning.db import atomic, utcnow
from learning.jobs.services import defer, task
from learning.mail.services import absolute_url, send_mail
from learning.people.services import admins

log = logging.getLogger(__name__)

BATCH = 500
STUCK_AFTER = timedelta(minutes=10)


class Permanent(Exception):
    """An answer no retry will change (a channel that is gone, a message refused)."""


class Revoked(Exception):
    """Slack no longer takes our token."""


def hand_to_job(message_id, attempts):
    """Queue a message's next try; call inside the write's transaction."""
    defer(deliver, message_id, key=f"chat-{message_id}-{attempts}", queue="notices")


@task
def deliver(message_id):
    """Send one message. A second run finds it claimed or sent and does nothing; a temporary
    failure (the service unreachable, rate limits, its 5xx) waits and tries again
    (CHAT_RETRY_DELAYS), then fails for good and is listed for admins."""
    from learning.chat import services

    now = utcnow()
    claimed = (
        ChatMessage.update(status="sending", attempts=ChatMessage.attempts + 1, due_at=now)
        .where(ChatMessage.id == message_id, ChatMessage.status == "pending")
        .execute()
    )
    if not claimed:
        return "already sent"
    message = ChatMessage.get_by_id(message_id)
    payload = json.loads(message.payload)
    try:
        if message.service == SLACK:
            found = services.workspace()
            if found is None:
                raise Permanent("Slack is not connected")
            slack.post(found, message.target, payload)
        else:
            teams.post(message.target, payload)
    except Revoked as error:
        services.revoked(str(error))
        return "revoked"
    except Permanent as error:
        _finish(message_id, "failed", str(error))
        return "failed"
    except Exception as error:  # noqa: BLE001 (unreachable, timed out, 5xx, rate limited: retried)
        delays = current_app.config["CHAT_RETRY_DELAYS"]
        retry = message.attempts <= len(delays)
        wait = getattr(error, "retry_after", None) or (delays[message.attempts - 1] if retry else 0)
        _finish(message_id, "waiting" if retry else "failed", f"{type(error).__name__}: {error}",
                due_at=utcnow() + timedelta(seconds=wait))  # fmt: skip
        return "waiting" if retry else "failed"
    ChatMessage.update(status="sent", sent_at=utcnow(), error="").where(
        ChatMessage.id == message_id
    ).execute()
    return "sent"


def _finish(message_id, status, error, due_at=None):
    ChatMessage.update(status=status, error=error[:2000], due_at=due_at or utcnow()).where(
        ChatMessage.id == message_id
    ).execute()


@task
def release_due(now=None):
    """Hand over the messages whose time has come: quiet hours over, a retry due, a send whose
    worker died. Each is claimed by one update, so two runs at once hand it over once."""
    now = now or utcnow()
    ChatMessage.update(status="waiting").where(
        ChatMessage.status.in_(["sending", "pending"]), ChatMessage.due_at < now - STUCK_AFTER
    ).execute()
    due = list(
        ChatMessage.select(ChatMessage.id, ChatMessage.attempts)
        .where(ChatMessage.status == "waiting", ChatMessage.due_at <= now)
        .order_by(ChatMessage.due_at)
        .limit(BATCH)
    )
    released = 0
    for message in due:
        with atomic():
            if (
                ChatMessage.update(status="pending")
                .where(ChatMessage.id == message.id, ChatMessage.status == "waiting")
                .execute()
            ):
                hand_to_job(message.id, message.attempts)
                released += 1
    return released


@task
def tell_admins_revoked(workspace_id):
    """Every admin learns, once, that Slack stopped taking our messages."""
    found = SlackWorkspace.get_or_none(SlackWorkspace.id == workspace_id)
    if found is None:
        return "gone"
    with atomic():
        for admin in admins():
            send_mail(
                f"slack-revoked-{workspace_id}-{admin.id}",
                admin.email,
                _l("Slack stopped taking messages from the Learning Community"),
                "learning/chat/mail/revoked",
                reader=admin,
                person=admin,
                workspace=found,
                link=absolute_url("chat.admin"),
            )
    return "told"
