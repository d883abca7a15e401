"""What is true of one person, their roles, preferences, invitations and reset links."""

import secrets
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
)

from learning.db import BaseModel, utcnow


class Role(StrEnum):
    MEMBER = "member"
    LD_MANAGER = "ld_manager"
    HR = "hr"
    ADMIN = "admin"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.MEMBER: _l("Member"),
    Role.LD_MANAGER: _l("L&D manager"),
    Role.HR: _l("HR"),
    Role.ADMIN: _l("Admin"),
}


def new_nonce():
    return secrets.token_urlsafe(16)


class Person(BaseModel):
    # Stored lower-cased, so the unique index makes addresses case-insensitive.
    email = CharField(unique=True)
    display_name = CharField(index=True)
    department = CharField(default="")
    location = CharField(default="")
    time_zone = CharField(default="UTC")
    # The language they chose (learning.i18n.languages()); "": none, pages follow the browser.
    locale = CharField(default="")
    manager = ForeignKeyField("self", null=True, backref="reports", on_delete="SET NULL")
    is_active = BooleanField(default=True)
    password_hash = CharField(null=True)
    # Part of the session id: raising it signs the person out everywhere.
    session_version = IntegerField(default=1)
    guidelines_accepted_at = DateTimeField(null=True)
    onboarded_at = DateTimeField(null=True)
    erased_at = DateTimeField(null=True)  # personal data erased; contributions stay, anonymous
    # The parts of the profile the company's identity provider manages ("email department"):
    # read-only here, refreshed at each sign-in there. "": none, they sign in with a password.
    managed = CharField(default="")
    # Someone who signs in at the provider has no password to choose: onboarding's first
    # step is confirming their profile.
    profile_confirmed_at = DateTimeField(null=True)
    # The company's directory (SCIM): its id for them, when it deactivated them (they left:
    # signed out, no email, their contributions kept), and when it deleted them (no longer
    # provisioned; erasing their data stays a separate privacy action).
    external_id = CharField(null=True, unique=True)
    user_name = CharField(null=True)  # the directory's login name, when not their address
    # What the directory last said of them (SCIM's JSON), returned as it said it.
    directory_record = TextField(default="")
    left_at = DateTimeField(null=True)
    deprovisioned_at = DateTimeField(null=True)
    changed_at = DateTimeField(default=utcnow)
    created_at = DateTimeField(default=utcnow)

    # flask-login's protocol
    @property
    def is_authenticated(self):
        return True

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def first_name(self):
        return self.display_name.split(" ")[0]

    def onboarding_step(self):
        """The onboarding step this person has yet to finish, or None when done."""
        if self.password_hash is None and self.profile_confirmed_at is None:
            return 1
        if self.guidelines_accepted_at is None:
            return 2
        if self.onboarded_at is None:
            return 3
        return None

    @property
    def has_account(self):
        """Whether they have signed up: chosen a password, or signed in at the provider."""
        return self.password_hash is not None or bool(self.managed)

    def manages(self, attribute):
        """Whether the company's identity provider manages this part of the profile."""
        return attribute in self.managed.split()

    @property
    def role_names(self):
        """The person's roles; loaded once per request by the user loader."""
        if not hasattr(self, "_roles"):
            self._roles = {Role(r.role) for r in self.roles}
        return self._roles

    def has_role(self, *roles):
        return bool(self.role_names & set(roles))


class PersonRole(BaseModel):
    person = ForeignKeyField(Person, backref="roles", on_delete="CASCADE")
    role = CharField(choices=[(r.value, r.label) for r in Role])

    class Meta:
        indexes = ((("person", "role"), True),)


class Preferences(BaseModel):
    """How a person wants to hear from the platform."""

    person = ForeignKeyField(Person, unique=True, backref="preferences_rows", on_delete="CASCADE")
    # Which kinds of notice reach which channel: learning.notify.models.MutedChannel.
    digest_frequency = CharField(default="weekly")  # daily or weekly
    digest_weekday = SmallIntegerField(default=0)  # Monday
    digest_hour = SmallIntegerField(default=9)
    # No email between these local hours (equal: none) nor on other days (0 is Monday).
    quiet_from = SmallIntegerField(default=20)
    quiet_until = SmallIntegerField(default=8)
    working_days = CharField(default="01234")
    # When the person last chose when their digest comes (day, hour, frequency, working
    # days, time zone, or turning the email on): its moments before then are not missed
    # digests to catch up on, as the moments before they joined are not.
    digest_chosen_at = DateTimeField(null=True)
    # False: milestones about this person are celebrated privately, not in the cohort feed.
    celebrate_me = BooleanField(default=True)


class Invitation(BaseModel):
    person = ForeignKeyField(Person, backref="invitations", on_delete="CASCADE")
    invited_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    # Signed into the link; a new invitation for the same person gets a new one.
    nonce = CharField(default=new_nonce, unique=True)
    created_at = DateTimeField(default=utcnow)
    used_at = DateTimeField(null=True)


class PasswordReset(BaseModel):
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    nonce = CharField(default=new_nonce, unique=True)
    created_at = DateTimeField(default=utcnow)
    used_at = DateTimeField(null=True)


class EndedSession(BaseModel):
    """A session signed out on the server: its cookie, copied before, opens nothing more.
    Kept until the session would have reached its time limit anyway."""

    # The random id each sign-in gives its session (learning/people/sessions.py).
    sid = CharField(unique=True)
    ended_at = DateTimeField(default=utcnow, index=True)
