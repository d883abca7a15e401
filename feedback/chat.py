"""Replies from Slack: a notice about a thread (a reply, a mention, a request for feedback)
answered in a Slack form, through the same service as the thread's page (registered with
learning.chat by feedback.platform)."""

import re

from flask_babel import gettext as _

from feedback import access, services
from feedback.forms import BODY_MAX, TOO_LONG
from learning.errors import NotFound, Refused

# What services.answer_to writes.
ANSWER = re.compile(r"^thread:(\d+)(?::reply:(\d+))?$")


class RepliesFromChat:
    @staticmethod
    def reply(person, answer, text, token):
        found = ANSWER.match(answer or "")
        if found is None:
            raise NotFound
        thread = access.access_thread(person, int(found.group(1)))
        if not access.can_post(person, thread.cohort):
            raise NotFound
        if not text:
            raise Refused(_("Write a reply."), "text")
        if len(text) > BODY_MAX:
            raise Refused(str(TOO_LONG), "text")
        parent_id = int(found.group(2)) if found.group(2) else None
        services.reply(thread, person, body=text, parent_id=parent_id, token=token)
        return _("Your reply is in “%(title)s”.", title=thread.title)
