"""The forms of chat: connecting the company's Slack app, and a person's Teams chat."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Optional, Regexp
from wtforms.widgets import PasswordInput

from learning.forms import Form
from learning.people.forms import stripped


def secret(label, pattern, wrong, where, missing=None):
    """A field for a secret Slack gives (`pattern`), kept when the form comes back with a
    problem, so the admin fixes one field, not three. Required when `missing` says why."""
    return PasswordField(
        label,
        widget=PasswordInput(hide_value=False),
        filters=[stripped],
        validators=[DataRequired(missing) if missing else Optional(),
                    Regexp(pattern, message=wrong)],
        description=where,
    )  # fmt: skip


class SlackForm(Form):
    bot_token = secret(
        _l("Bot token"), r"^xoxb-[\w-]+$",
        _l("A bot token starts with xoxb-: find it under OAuth & Permissions."),
        _l("OAuth & Permissions → Bot User OAuth Token, after installing the app."),
        missing=_l("Paste the app's bot token."),
    )  # fmt: skip
    signing_secret = secret(
        _l("Signing secret"), r"^[0-9a-f]{32}$",
        _l("A signing secret is 32 letters and digits: find it under Basic Information."),
        _l("Basic Information → App Credentials → Signing Secret."),
        missing=_l("Paste the app's signing secret."),
    )  # fmt: skip
    app_token = secret(
        _l("App-level token (for Socket Mode)"), r"^xapp-[\w-]+$",
        _l("An app-level token starts with xapp-."),
        _l("Only for Socket Mode, which needs no public address: Basic Information → "
           "App-Level Tokens, with the connections:write scope."),
    )  # fmt: skip


class TeamsForm(Form):
    address = StringField(
        _l("The workflow's address"),
        filters=[stripped],
        validators=[DataRequired(_l("Paste the address Teams gave the workflow."))],
        description=_l("In Teams: Workflows → “Post to a chat when a webhook request is "
                       "received” → choose your chat with Flow bot → copy the address."),
    )  # fmt: skip
