"""Company content in more than one language: a value's name and meaning, a program's
guidelines and a celebration's words may have a version for readers of another language
than the company's, and the admin's words for a kind of celebration are per language ("":
the company's own). The five values the first migration suggested get their Polish names.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.migrate import existing, frozen_base

POLISH_VALUES = {
    "Curiosity": ("Ciekawość", "Zadaje pytanie, o którym inni tylko myśleli."),
    "Generosity": ("Hojność", "Dzieli się czasem, wiedzą i zasługami."),
    "Courage": ("Odwaga", "Próbuje nowego i pokazuje pracę w toku."),
    "Craft": ("Rzemiosło", "Dba o to, by zrobić coś dobrze."),
    "Together": ("Razem", "Sprawia, że cała grupa jest lepsza, nie tylko on sam."),
}


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    CompanyValue = existing(Base, "company_value")  # noqa: N806
    Milestone = existing(Base, "milestone")  # noqa: N806
    Program = existing(Base, "program")  # noqa: N806

    class ValueVersion(Base):
        value = ForeignKeyField(CompanyValue, on_delete="CASCADE")
        locale = CharField()
        name = CharField(null=True)
        description = CharField(null=True)

        class Meta:
            indexes = ((("value", "locale"), True),)

    class MilestoneVersion(Base):
        milestone = ForeignKeyField(Milestone, on_delete="CASCADE")
        locale = CharField()
        text = CharField()

        class Meta:
            indexes = ((("milestone", "locale"), True),)

    class ProgramVersion(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        locale = CharField()
        guidelines = TextField(null=True)

        class Meta:
            indexes = ((("program", "locale"), True),)

    db.create_tables([ValueVersion, MilestoneVersion, ProgramVersion])
    migrator.migrate(
        migrator.add_column("milestone_template", "locale", CharField(default="")),
        migrator.drop_index("milestone_template", "milestone_template_kind"),
        migrator.add_index("milestone_template", ("kind", "locale"), unique=True),
    )
    for english, (name, description) in POLISH_VALUES.items():
        db.execute_sql(
            "INSERT INTO value_version (value_id, locale, name, description)"
            " SELECT id, 'pl', %s, %s FROM company_value WHERE name = %s".replace("%s", db.param),
            (name, description, english),
        )
