"""Chat: the company's Slack workspace, people's accounts in Slack and Teams, notices sent
there, and what domains do from chat (kudos, check-ins, replies), each through the same
services and rules as on the web.

`learning` knows no domain: each registers what it does from chat (`register`)."""

import hashlib
import json

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from peewee import JOIN

from learning.audit.services import log
from learning.chat.models import SLACK, TEAMS, ChatAccount, ChatMessage, SlackWorkspace
from learning.db import atomic, insert, utcnow
from learning.errors import NotFound, Refused
from learning.jobs.services import defer
from learning.mail.services import absolute_path
from learning.people.models import Person
from learning.security import seal, unseal

HANDLERS = "chat_handlers"
LINK_MAX_AGE = 24 * 3600


def register(app, name, handler):
    """What a domain does from chat: "kudos", "check_in" or "reply" (see learning/chat/slack.py
    for what each is asked)."""
    app.extensions.setdefault(HANDLERS, {})[name] = handler


def handler(name):
    return current_app.extensions.get(HANDLERS, {}).get(name)


def once_key(*parts):
    """A form token (learning.once) from what Slack sends once per action: the same click or
    submission retried by Slack makes one thing."""
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:32]


# The workspace


def workspace():
    """The company's Slack workspace while it is installed, else None."""
    return SlackWorkspace.select().where(SlackWorkspace.revoked_at.is_null()).first()


def install(actor, team_id, team_name, bot_user_id, bot_token, signing_secret, app_token=""):
    """Keep the Slack app's secrets (sealed); one workspace at a time. Audited."""
    with atomic():
        SlackWorkspace.delete().where(SlackWorkspace.team_id != team_id).execute()
        SlackWorkspace.insert(
            team_id=team_id, team_name=team_name, bot_user_id=bot_user_id,
            bot_token=seal(bot_token), signing_secret=seal(signing_secret),
            app_token=seal(app_token), installed_by=actor, installed_at=utcnow(),
        ).on_conflict(
            conflict_target=[SlackWorkspace.team_id],
            preserve=[SlackWorkspace.team_name, SlackWorkspace.bot_user_id,
                      SlackWorkspace.bot_token, SlackWorkspace.signing_secret,
                      SlackWorkspace.app_token, SlackWorkspace.installed_by,
                      SlackWorkspace.installed_at],
            update={SlackWorkspace.revoked_at: None, SlackWorkspace.revoked_reason: ""},
        ).execute()  # fmt: skip
        log(actor, "slack_installed", team_name or team_id)
    return workspace()


def uninstall(actor):
    with atomic():
        found = workspace()
        if found is not None:
            found.delete_instance()
            log(actor, "slack_removed", found.team_name or found.team_id)


def revoked(reason):
    """Slack no longer takes our token (the app was uninstalled, its token revoked): stop
    sending, and tell the admins once."""
    from learning.chat.tasks import tell_admins_revoked

    with atomic():
        found = workspace()
        if found is None:
            return False
        SlackWorkspace.update(revoked_at=utcnow(), revoked_reason=reason[:250]).where(
            SlackWorkspace.id == found.id
        ).execute()
        ChatMessage.update(status="failed", error=f"Slack: {reason}"[:2000]).where(
            ChatMessage.service == SLACK,
            ChatMessage.status.in_(["pending", "waiting", "sending"]),
        ).execute()
        defer(tell_admins_revoked, found.id, key=f"slack-revoked-{found.id}", queue="mail")
    return True


def secrets(found):
    """(bot token, signing secret, app token) of a workspace, unsealed."""
    return unseal(found.bot_token), unseal(found.signing_secret), unseal(found.app_token)


# People's accounts


def slack_person(team_id, user_id):
    """The active person linked to a Slack user, or None."""
    return (
        Person.select()
        .join(ChatAccount, on=(ChatAccount.person == Person.id))
        .where(
            ChatAccount.service == SLACK,
            ChatAccount.team_id == team_id,
            ChatAccount.external_id == user_id,
            Person.is_active == True,  # noqa: E712
        )
        .first()
    )


def account(person, service):
    return ChatAccount.get_or_none(ChatAccount.person == person, ChatAccount.service == service)


def link_slack(person, team_id, user_id):
    """Link the person to a Slack user of the workspace; Refused if someone else has it."""
    with atomic():
        other = slack_person(team_id, user_id)
        if other is not None and other.id != person.id:
            raise Refused(_("That Slack account is connected to someone else."))
        ChatAccount.delete().where(
            ChatAccount.person == person, ChatAccount.service == SLACK
        ).execute()
        made = insert(ChatAccount(person=person, service=SLACK, team_id=team_id,
                                  external_id=user_id), new_only=True)  # fmt: skip
        if made is None:  # someone else linked it at the same moment
            raise Refused(_("That Slack account is connected to someone else."))
        log(person, "slack_linked", person.email)


def link_teams(person, address):
    """Notices to the person's Teams chat, through the Workflows webhook they made."""
    with atomic():
        ChatAccount.delete().where(
            ChatAccount.person == person, ChatAccount.service == TEAMS
        ).execute()
        insert(ChatAccount(person=person, service=TEAMS, address=seal(address)))
        log(person, "teams_linked", person.email)


def unlink(person, service):
    with atomic():
        ChatAccount.delete().where(
            ChatAccount.person == person, ChatAccount.service == service
        ).execute()
        log(person, f"{service}_unlinked", person.email)


def _signer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="slack-link")


def link_token(team_id, user_id):
    """What the bot sends someone not linked yet: a link to connect, signed, for a day."""
    return _signer().dumps([team_id, user_id])


def read_link_token(token):
    """(team id, user id) of a link the bot sent; NotFound for a link not ours or too old."""
    try:
        team_id, user_id = _signer().loads(token, max_age=LINK_MAX_AGE)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        raise NotFound from None
    return team_id, user_id


# Messages


def queue(key, service, target, payload, person=None, due_at=None):
    """Send a message once (its key), now or at `due_at`; call inside the write's
    transaction. Returns the new message's id, None if it existed."""
    from learning.chat.tasks import hand_to_job

    now = utcnow()
    waits = due_at is not None and due_at > now
    message_id = insert(
        ChatMessage(key=key, service=service, person=person, target=target,
                    payload=json.dumps(payload), status="waiting" if waits else "pending",
                    due_at=due_at if waits else now),
        new_only=True,
    )  # fmt: skip
    if message_id and not waits:
        hand_to_job(message_id, 0)
    return message_id


def send_notice(person, notice, kind_label, due_at=None):
    """A notice to the person's chat accounts (their Slack DM with the app, their Teams chat),
    once each; call inside a transaction. Returns how many were queued."""
    from learning.chat import slack, teams

    queued = 0
    found = None
    for chat in ChatAccount.select().where(ChatAccount.person == person):
        if chat.service == SLACK:
            found = found or workspace()
            if found is None or chat.team_id != found.team_id:
                continue
            payload, target = slack.notice_message(notice, kind_label), chat.external_id
        else:
            payload = teams.card(notice.text, "", absolute_path(notice.link),
                                 f"{notice.place} · {kind_label}"
                                 if notice.place else str(kind_label))  # fmt: skip
            target = chat.address
        queued += bool(queue(f"notice-{notice.id}-{chat.service}", chat.service, target, payload,
                             person, due_at))  # fmt: skip
    return queued


def failed_messages(limit=50):
    """Messages that could not be sent for good, newest first, with whom they were for."""
    return list(
        ChatMessage.select(ChatMessage, Person)
        .join(Person, JOIN.LEFT_OUTER, on=(ChatMessage.person == Person.id))
        .where(ChatMessage.status == "failed")
        .order_by(ChatMessage.id.desc())
        .limit(limit)
    )
