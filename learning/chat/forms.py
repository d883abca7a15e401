"""The forms of chat: connecting the company's Slack app, and a person's Teams chat."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Optional, Regexp
from wtforms.widgets import PasswordInput

from learning.forms import Form
from learning.people.forms import stripped

# Kept when the form comes back with a problem, so the admin fixes one field, not three.
KEPT = PasswordInput(hide_value=False)


class SlackForm(Form):
    bot_token = PasswordField(
        _l("Bot token"),
        widget=KEPT,
        filters=[stripped],
        validators=[
            DataRequired(_l("Paste the app's bot token.")),
            Regexp(r"^xoxb-[\w-]+$", message=_l("A bot token starts with xoxb-: find it under "
                                                "OAuth & Permissions.")),
        ],
        description=_l("OAuth & Permissions → Bot User OAuth Token, after installing the app."),
    )  # fmt: skip
    signing_secret = PasswordField(
        _l("Signing secret"),
        widget=KEPT,
        filters=[stripped],
        validators=[
            DataRequired(_l("Paste the app's signing secret.")),
            Regexp(r"^[0-9a-f]{32}$", message=_l("A signing secret is 32 letters and digits: "
                                                 "find it under Basic Information.")),
        ],
        description=_l("Basic Information → App Credentials → Signing Secret."),
    )  # fmt: skip
    app_token = PasswordField(
        _l("App-level token (for Socket Mode)"),
        widget=KEPT,
        filters=[stripped],
        validators=[
            Optional(),
            Regexp(r"^xapp-[\w-]+$", message=_l("An app-level token starts with xapp-.")),
        ],
        description=_l("Only for Socket Mode, which needs no public address: Basic Information → "
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
