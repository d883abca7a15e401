"""The shape of the code: import direction, lint, and migrations that match the models."""

import json
import subprocess
import sys
from pathlib import Path

from peewee import SqliteDatabase

from challenges.models import (
    AwayWeek,
    Challenge,
    CheckIn,
    GoalReached,
    HiddenBoard,
    HiddenNumbers,
    Step,
)
from cohorts.meetings.models import Meeting
from cohorts.models import (
    Cohort,
    CohortVisit,
    FormerMembership,
    Membership,
    MembershipRequest,
    Participant,
    PeopleImport,
    Program,
    ProgramVersion,
)
from feedback.models import (
    FeedbackRequest,
    Mention,
    Reaction,
    Reply,
    Report,
    Revision,
    Thread,
    ThreadRead,
)
from feedback.polls.models import Poll, PollOption, Vote, Voter
from learning.api.models import ApiToken, WebhookDelivery, WebhookSubscription
from learning.audit.models import AuditEntry
from learning.calendar.models import CalendarEntry, CalendarFeed, CalendarInvite
from learning.chat.models import ChannelMirror, ChatAccount, ChatMessage, SlackWorkspace
from learning.db import BaseModel, db
from learning.digest.models import Digest
from learning.insights.models import Export, KeptFigures
from learning.jobs.models import PendingJob
from learning.ledger import Activity
from learning.mail.models import Delivery
from learning.notify.models import MutedChannel, Notification
from learning.once import Submission
from learning.people.models import (
    EndedSession,
    Invitation,
    PasswordReset,
    Person,
    PersonRole,
    Preferences,
)
from learning.recognition.models import (
    Cheer,
    CompanyValue,
    Kudos,
    Milestone,
    MilestoneTemplate,
    MilestoneVersion,
    ValueVersion,
)
from learning.scim.models import Department, ProgramGroup, Provisioning, ScimToken
from learning.sso.models import ExternalIdentity, SamlRequest, SignInSettings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODELS = [
    Person,
    PersonRole,
    Preferences,
    Invitation,
    PasswordReset,
    EndedSession,
    Submission,
    PendingJob,
    Delivery,
    Activity,
    AuditEntry,
    Program,
    ProgramVersion,
    Participant,
    Cohort,
    Membership,
    FormerMembership,
    MembershipRequest,
    CohortVisit,
    PeopleImport,
    Meeting,
    CalendarEntry,
    CalendarInvite,
    CalendarFeed,
    SlackWorkspace,
    ChatAccount,
    ChannelMirror,
    ChatMessage,
    Thread,
    Reply,
    Reaction,
    FeedbackRequest,
    Mention,
    Revision,
    Report,
    ThreadRead,
    Challenge,
    Step,
    CheckIn,
    GoalReached,
    AwayWeek,
    HiddenNumbers,
    HiddenBoard,
    Notification,
    MutedChannel,
    CompanyValue,
    Kudos,
    Milestone,
    MilestoneTemplate,
    MilestoneVersion,
    ValueVersion,
    Cheer,
    Digest,
    Export,
    KeptFigures,
    ExternalIdentity,
    SignInSettings,
    ScimToken,
    ApiToken,
    WebhookSubscription,
    WebhookDelivery,
    Department,
    ProgramGroup,
    Provisioning,
    SamlRequest,
    Poll,
    PollOption,
    Voter,
    Vote,
]


def run(*command):
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_the_import_contract_holds():
    result = run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_finds_nothing():
    result = run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout
    formatted = run(str(BIN / "ruff"), "format", "--check", ".")
    assert formatted.returncode == 0, formatted.stdout


# Libraries only some processes need, and what they weigh in every process otherwise: each
# loads where it is used (an export worker's whole budget is 100 MB, bench/exports.py).
LOADED_WHERE_USED = {
    "scim2_models": "the first SCIM request (learning/scim/protocol.py), 10 MB",
    "slack_bolt": "a process that hears Slack, 4 MB",
    "requests": "a provider's sign-in, a webhook or a Teams message, 8 MB with its own",
    "icalendar": "the first calendar written, 3 MB",
    "xlsxwriter": "the first XLSX export, 2 MB",
    "cryptography.fernet": "a sealed secret read or written, 7 MB",
    "zxcvbn": "a password chosen, 12 MB",
}


def test_an_app_process_starts_without_the_libraries_few_requests_need(tmp_path):
    probe = (
        "import json, sys; from learning.factory import create_app; "
        f"create_app({{'DATABASE_URL': 'sqlite:///{tmp_path}/probe.sqlite3', "
        "'REDIS_URL': 'redis://127.0.0.1:1/0', 'SECRET_KEY': 'probe'}); "
        "print(json.dumps(sorted(sys.modules)))"
    )
    result = run(sys.executable, "-c", probe)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert {name: why for name, why in LOADED_WHERE_USED.items() if name in loaded} == {}


def test_every_model_is_registered_for_this_test():
    found = {m for m in _subclasses(BaseModel)}
    assert found <= set(MODELS), f"add new models to MODELS: {found - set(MODELS)}"


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_migrations_build_the_schema_the_models_describe(app):
    """Each model's columns, and its indexes (their names, columns and whether unique),
    match what the migrations created."""
    reference = SqliteDatabase(":memory:", pragmas={"foreign_keys": 1})
    with reference.bind_ctx(MODELS):
        reference.create_tables(MODELS)
        expected = {m._meta.table_name: _shape(reference, m._meta.table_name) for m in MODELS}
    actual = {name: _shape(db, name) for name in expected}
    for name in expected:
        assert actual[name]["columns"] == expected[name]["columns"], name
        assert actual[name]["indexes"] == expected[name]["indexes"], name


# Made by the search's migration on PostgreSQL alone (SQLite searches a table of its own).
SEARCH_INDEXES = {"thread_search"}


def _shape(database, table):
    return {
        "columns": {(c.name, c.null, c.primary_key) for c in database.get_columns(table)},
        # PostgreSQL lists the primary key's index too; SQLite does not, and it keeps names
        # whole where PostgreSQL cuts them at 63 characters. Peewee reads a partial index's
        # columns on SQLite alone, so partial indexes are compared by name.
        "indexes": {
            (i.name[:63], tuple(i.columns) if "WHERE" not in i.sql.upper() else (), i.unique)
            for i in database.get_indexes(table)
            if i.columns != ["id"] and i.name not in SEARCH_INDEXES
        },
    }


def test_the_readme_documents_every_environment_variable():
    from learning.config import ENVIRONMENT

    readme = (ROOT / "README.md").read_text()
    missing = [name for name in ENVIRONMENT if f"| `{name}` |" not in readme]
    assert missing == []
    assert "make run" in readme and "make test" in readme
