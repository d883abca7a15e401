"""Forms for threads and replies."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from feedback.models import KINDS
from learning import forms as fast
from learning.forms import Form
from learning.inputs import number
from learning.once import token_field
from learning.people.forms import MultiCheckboxField, stripped
from learning.text import one_line

BODY_MAX = 20_000
TOO_LONG = _l("Keep it under %(num)s characters.", num=f"{BODY_MAX:,}")


class PostForm(Form):
    """Title, body and link: what an author writes, and later edits."""

    title = StringField(
        _l("Title"),
        filters=[one_line],
        validators=[
            DataRequired(_l("Give the thread a title.")),
            Length(max=150, message=_l("Keep the title under 150 characters.")),
        ],
    )
    body = TextAreaField(
        _l("What would you like to say?"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Write a few words, so people know how to help.")),
            Length(max=BODY_MAX, message=TOO_LONG),
        ],
        description=_l("Markdown works: **bold**, *italic*, lists, [links](https://…)."),
    )
    link = StringField(
        _l("Link to your work (optional)"),
        filters=[stripped],
        validators=[Optional(), URL(message=_l("Enter a full link, starting with https://."))],
    )


class ThreadForm(PostForm):
    token = token_field()
    kind = RadioField(
        _l("What kind of thread?"),
        choices=[SelectChoice(value, label) for value, label in KINDS.items()],
        default="question",
        validators=[DataRequired(_l("Choose what kind of thread this is."))],
    )
    ask = MultiCheckboxField(
        _l("Ask for feedback from (up to three)"),
        coerce=number,
        choices=[],
        description=_l("They will see your request at the top of their cohort space."),
    )

    def offer(self, people, author):
        """Ask any of `people` but the `author` for feedback."""
        self.ask.choices = [SelectChoice(p.id, p.display_name) for p in people if p.id != author.id]

    def validate_ask(self, field):
        if len(field.data or []) > 3:
            raise ValidationError(_l("Ask at most three people, so each request means something."))

    def for_service(self):
        """What `services.start_thread` takes from the form."""
        fields = ("kind", "title", "body", "link", "token")
        return {"ask": self.ask.data or (), **{name: self[name].data for name in fields}}


FEEDBACK_PART = {"filters": [stripped], "validators": [Length(max=4000)], "widget": fast.TextArea()}


class ReplyForm(Form):
    parent_id = SelectField(
        _l("Reply to"), coerce=number, choices=[], validate_choice=True, widget=fast.Select()
    )
    body = TextAreaField(
        _l("Your reply"),
        widget=fast.TextArea(),
        filters=[stripped],
        validators=[Length(max=BODY_MAX, message=TOO_LONG)],
    )
    worked = TextAreaField(_l("What worked"), **FEEDBACK_PART)
    try_next = TextAreaField(_l("What to try next"), **FEEDBACK_PART)
    question = TextAreaField(_l("A question"), **FEEDBACK_PART)
    newest = HiddenField(widget=fast.HiddenInput())
    token = token_field()

    def offer(self, choices):
        """Answer the thread, or one of `choices` ((id, label) per top-level reply shown)."""
        self.parent_id.choices = [
            SelectChoice(0, _l("The thread")),
            *(SelectChoice(value, label) for value, label in choices),
        ]

    def validate_body(self, field):
        if not (field.data or self.worked.data or self.try_next.data or self.question.data):
            raise ValidationError(_l("Write a reply, or fill in the feedback template."))

    def for_service(self):
        """What `services.reply` takes from the form."""
        fields = ("body", "worked", "try_next", "question", "token")
        return {"parent_id": self.parent_id.data or None, **{n: self[n].data for n in fields}}


class EditReplyForm(Form):
    body = TextAreaField(
        _l("Your reply"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Write something, or remove the reply instead.")),
            Length(max=BODY_MAX, message=TOO_LONG),
        ],
    )


class ReportForm(Form):
    token = token_field()
    reason = TextAreaField(
        _l("What is wrong with this post?"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Tell the facilitator what is wrong, so they can act.")),
            Length(max=500, message=_l("Keep it under 500 characters.")),
        ],
        description=_l("Only the cohort's facilitator sees your report."),
    )
