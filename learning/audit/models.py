"""One audit entry. Nothing in the app updates or deletes these rows."""

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from learning.db import BaseModel, utcnow
from learning.people.models import Person

# What each action is called where people read the log.
ACTIONS = {
    "board_hidden": _l("Board hidden"),
    "challenge_changed": _l("Challenge changed"),
    "challenge_created": _l("Challenge created"),
    "cohorts_proposed": _l("Cohorts proposed"),
    "cohorts_published": _l("Cohorts published"),
    "export_ready": _l("Export ready"),
    "export_requested": _l("Export requested"),
    "individual_report": _l("Report per person"),
    "invitation_accepted": _l("Invitation accepted"),
    "invited": _l("Invited"),
    "language_and_time_changed": _l("Language and time changed"),
    "left_company": _l("Left the company"),
    "member_added": _l("Member added"),
    "member_moved": _l("Member moved"),
    "move_declined": _l("Move declined"),
    "move_requested": _l("Move requested"),
    "directory_groups_chosen": _l("Directory's groups chosen"),
    "group_deprovisioned": _l("Group removed by the directory"),
    "group_provisioned": _l("Group sent by the directory"),
    "password_changed": _l("Password changed"),
    "person_arrived": _l("Arrived through company sign-in"),
    "person_deprovisioned": _l("Deleted by the directory"),
    "person_provisioned": _l("Created by the directory"),
    "person_updated_by_directory": _l("Updated by the directory"),
    "password_check_failed": _l("Password check failed"),
    "password_reset": _l("Password reset"),
    "people_import_started": _l("People import started"),
    "person_erased": _l("Person erased"),
    "personal_data_exported": _l("Personal data exported"),
    "post_reported": _l("Post reported"),
    "post_restored": _l("Post restored"),
    "program_changed": _l("Program changed"),
    "program_created": _l("Program created"),
    "role_granted": _l("Role granted"),
    "role_revoked": _l("Role revoked"),
    "scim_token_made": _l("Directory token made"),
    "scim_token_revoked": _l("Directory token revoked"),
    "signed_in": _l("Signed in"),
    "signed_out": _l("Signed out"),
    "signed_out_everywhere": _l("Signed out everywhere"),
    "sign_in_settings_changed": _l("Company sign-in settings changed"),
    "sso_link_confirmed": _l("Company account link confirmed"),
    "sso_link_refused": _l("Company account link refused"),
    "sso_linked": _l("Company account linked"),
    "sso_refused": _l("Company sign-in refused"),
    "thread_pinned": _l("Thread pinned"),
    "value_archived": _l("Value archived"),
    "value_saved": _l("Value saved"),
}


# The words of the details' keys.
DETAILS = {
    "asked_by": _l("asked by"),
    "challenge": _l("challenge"),
    "cohort": _l("cohort"),
    "cohort_id": _l("cohort"),
    "cohorts": _l("cohorts"),
    "confirmed": _l("confirmed"),
    "department": _l("department"),
    "domains": _l("domains"),
    "end": _l("end"),
    "export": _l("export"),
    "filters": _l("filters"),
    "format": _l("format"),
    "active": _l("active"),
    "from": _l("from"),
    "grouping": _l("grouping"),
    "language": _l("language"),
    "location": _l("location"),
    "people": _l("people"),
    "person": _l("person"),
    "program": _l("program"),
    "program_id": _l("program"),
    "purpose": _l("purpose"),
    "reason": _l("reason"),
    "role": _l("role"),
    "roles": _l("roles"),
    "rows": _l("rows"),
    "seed": _l("seed"),
    "sections": _l("sections"),
    "source": _l("source"),
    "start": _l("start"),
    "target": _l("target"),
    "time_zone": _l("time zone"),
    "token": _l("token"),
    "to": _l("to"),
    "value": _l("value"),
}


def action_label(action):
    return ACTIONS.get(action) or action.replace("_", " ").capitalize()


class AuditEntry(BaseModel):
    actor = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    action = CharField(index=True)  # signed_in, role_granted, invited…
    subject = CharField(default="")  # whom or what it was about, in words
    detail = TextField(default="{}")  # JSON
    ip = CharField(default="")
    created_at = DateTimeField(default=utcnow, index=True)

    @property
    def label(self):
        return action_label(self.action)

    def details(self):
        """The detail as lines a person reads: "filters: start 2026-11-01, end 2026-11-30"."""
        values = json.loads(self.detail).items()
        return [f"{_words(key)}: {_text(value)}" for key, value in values if value is not None]


def _words(key):
    return DETAILS.get(key) or key.replace("_", " ")


def _text(value):
    if isinstance(value, dict):
        return ", ".join(f"{_words(k)} {_text(v)}" for k, v in value.items()) or _("none")
    if isinstance(value, list):
        return ", ".join(map(_text, value)) or _("none")
    return _("yes") if value is True else _("no") if value is False else str(value)
