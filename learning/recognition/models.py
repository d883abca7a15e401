"""Company values, kudos, milestones, their editable messages and the cheers they get."""

from flask_babel import lazy_gettext as _l
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from learning.db import BaseModel, utcnow
from learning.people.models import Person

CHEERS = {"cheer": _l("🎉 Cheer"), "applaud": _l("👏 Applaud"), "love": _l("❤️ Love")}


class CompanyValue(BaseModel):
    """One of the company's values, which a kudos is given for. Admins edit the list."""

    name = CharField(unique=True)
    description = CharField(default="")
    # Archived values stay on the kudos given for them; no new kudos can use them.
    archived_at = DateTimeField(null=True)


class ValueVersion(BaseModel):
    """A value's name and meaning in another language than the company's (either may be
    missing: its readers then read the company's own)."""

    value = ForeignKeyField(CompanyValue, backref="versions", on_delete="CASCADE")
    locale = CharField()
    name = CharField(null=True)
    description = CharField(null=True)

    class Meta:
        indexes = ((("value", "locale"), True),)


class Kudos(BaseModel):
    giver = ForeignKeyField(Person, backref="kudos_given", on_delete="CASCADE")
    receiver = ForeignKeyField(Person, backref="kudos_received", on_delete="CASCADE")
    cohort_id = IntegerField()
    value = ForeignKeyField(CompanyValue, null=True, backref="kudos", on_delete="SET NULL")
    message = CharField(default="")
    # The contribution it thanks for, as the ledger names it ("reply", 12), and its page.
    object_type = CharField(default="")
    object_id = IntegerField(null=True)
    link = CharField(default="")
    # From the form: the same kudos submitted twice is one.
    token = CharField(unique=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("receiver", "created_at"), False), (("cohort_id", "created_at"), False))


class Milestone(BaseModel):
    """A milestone reached, once: the key says what and whose, e.g. "first_reply:7"."""

    key = CharField(unique=True)
    kind = CharField()
    person = ForeignKeyField(Person, null=True, backref="milestones", on_delete="CASCADE")
    cohort_id = IntegerField(null=True, index=True)
    text = CharField()  # the celebration, written from its template when it was reached
    link = CharField(default="")
    public = BooleanField(default=True)  # False: the person asked for no public celebration
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("person", "created_at"), False),)


class MilestoneVersion(BaseModel):
    """A celebration's words in another language than the company's, written with it."""

    milestone = ForeignKeyField(Milestone, backref="versions", on_delete="CASCADE")
    locale = CharField()
    text = CharField()

    class Meta:
        indexes = ((("milestone", "locale"), True),)


class MilestoneTemplate(BaseModel):
    """An admin's wording for a kind of milestone in one language ("": the company's own);
    without one, the built-in wording in that language."""

    kind = CharField()
    locale = CharField(default="")
    text = CharField()

    class Meta:
        indexes = ((("kind", "locale"), True),)


class Cheer(BaseModel):
    """A member's reaction to a celebration."""

    milestone = ForeignKeyField(Milestone, backref="cheers", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    kind = CharField()

    class Meta:
        indexes = ((("milestone", "person", "kind"), True),)
