"""The email and the chat message that follow an in-app notice, when the person wants them."""

from learning.db import atomic, utcnow
from learning.i18n import as_reader
from learning.jobs.services import task
from learning.mail.services import absolute_path, absolute_url, send_mail
from learning.notify import preferences
from learning.notify.models import KINDS, Notification
from learning.people.models import Preferences


def _wanted(notification_id, channel):
    """(the notice, when it may reach its person on `channel`: at once or when their quiet
    hours end), or (why not, None)."""
    notice = Notification.get_or_none(Notification.id == notification_id)
    if notice is None:
        return "gone", None
    person = notice.person
    if not person.is_active or channel in preferences.muted_channels(person, notice.kind):
        return "not wanted", None
    chosen = Preferences.get(Preferences.person == person)
    due = preferences.next_send_time(
        utcnow(), person.time_zone, chosen.quiet_from, chosen.quiet_until, chosen.working_days
    )
    return notice, due


@task
def email_notice(notification_id):
    """Email one notice, at once or when the person's quiet hours end. Running twice sends
    one email: the delivery's key is the notice's."""
    notice, due = _wanted(notification_id, "email")
    if due is None:
        return notice
    person = notice.person
    token = preferences.unsubscribe_token(person.id, notice.kind)
    subject = notice.text if len(notice.text) <= 90 else notice.text[:89] + "…"
    with atomic():  # the delivery and its job, together
        send_mail(
            f"notice-{notice.id}",
            person.email,
            subject,
            "learning/notify/mail/notice",
            due_at=due,
            unsubscribe_url=absolute_url("notify.unsubscribe", token=token),
            notice=notice,
            person=person,
            kind_label=KINDS[notice.kind],
            link=absolute_path(notice.link),
            preferences_link=absolute_url("auth.account"),
            reader=person,
        )
    return "queued" if due <= utcnow() else f"waits until {due:%Y-%m-%d %H:%M} UTC"


@task
def chat_notice(notification_id):
    """Send one notice to the person's Slack or Teams, at once or when their quiet hours end;
    running twice sends it once (each message's key is the notice's)."""
    from learning.chat import services as chat

    notice, due = _wanted(notification_id, "chat")
    if due is None:
        return notice
    person = notice.person
    with atomic(), as_reader(person):
        queued = chat.send_notice(person, notice, KINDS[notice.kind], due_at=due)
    return f"{queued} queued" if due <= utcnow() else f"{queued} wait until {due:%H:%M} UTC"
