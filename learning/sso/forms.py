"""The admins' form of company sign-in: which claim fills each part of a profile, and who may
arrive without an invitation."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Regexp, ValidationError

from learning.forms import Form
from learning.people.forms import stripped
from learning.sso.services import PROFILE

CLAIM = Regexp(r"^[\w.:/-]*$", message=_l("A claim's name has no spaces or punctuation."))
DOMAIN = re.compile(r"^@?[a-z0-9-]+(\.[a-z0-9-]+)+$", re.IGNORECASE)


class SignInSettingsForm(Form):
    """A field per part of a profile (named after it, added below) and the domains."""

    arrival_domains = StringField(
        _l("Email domains whose people may arrive without an invitation"),
        filters=[stripped],
        validators=[Length(max=500)],
        description=_l(
            "Separated by spaces, like example.com example.org. Someone the provider vouches "
            "for with an address there gets an account at their first sign-in. Empty: only "
            "people invited or imported can sign in."
        ),
    )

    @classmethod
    def of(cls, settings, claims):
        """The form as the settings stand (when drawn, not when sent)."""
        return cls(data={**claims, "arrival_domains": settings.arrival_domains})

    def validate_arrival_domains(self, field):
        wrong = [d for d in (field.data or "").split() if not DOMAIN.match(d)]
        if wrong:
            raise ValidationError(_("“%(domain)s” is not a domain, like example.com.",
                                    domain=wrong[0]))  # fmt: skip

    def claims(self):
        return {attribute: self[attribute].data for attribute in PROFILE}


for _attribute, (_label, _claim) in PROFILE.items():
    setattr(
        SignInSettingsForm,
        _attribute,
        StringField(
            _label,
            filters=[stripped],
            validators=[CLAIM, Length(max=100)],
            description=_l(
                "The claim that carries it (usually “%(claim)s”). Empty: none.", claim=_claim
            ),  # fmt: skip
        ),
    )
