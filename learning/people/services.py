"""People, roles, passwords, invitations, onboarding and password resets."""

import functools
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from peewee import fn

from learning import once
from learning.audit.services import log
from learning.db import atomic, insert, utcnow
from learning.errors import Refused, found
from learning.i18n import marked, reading, said, worded
from learning.jobs.services import defer
from learning.live import events as live
from learning.mail.services import absolute_url, send_mail
from learning.notify import preferences as notify_preferences
from learning.people import queries, sessions, tasks
from learning.people.access import require_admin, require_inviter
from learning.people.models import (
    EndedSession,
    Invitation,
    PasswordReset,
    Person,
    PersonRole,
    Preferences,
    Role,
)

# argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane), which is what
# OWASP ASVS asks for. Hashes made with other settings are upgraded at the next sign-in.
hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


@functools.cache
def _dummy_hash():
    """Verified when the email is unknown, so both answers take the same time. Made at the
    first sign-in, not at import: hashing takes argon2's memory (tens of MB), which workers,
    who never sign anyone in, should not reach."""
    return hasher.hash("not a real password, only here to spend time")


PASSWORD_MIN = 12
PASSWORD_MAX = 256
PASSWORD_MIN_SCORE = 3  # zxcvbn: more than 10^8 guesses


def normalize_email(email):
    return (email or "").strip().lower()


def check_email(email):
    """The normalised address, or Refused with a message for the person who typed it."""
    try:
        return normalize_email(validate_email(email.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as error:
        raise Refused(worded(email_problem(error))) from None


# email_validator says what is wrong in English only: its reasons, in the reader's words.
EMAIL_PROBLEMS = [
    ("must have an @-sign", marked("It has no @ sign.")),
    ("something before the @-sign", marked("Nothing comes before the @.")),
    ("something after the @-sign", marked("Nothing comes after the @.")),
    ("should have a period", marked("The part after the @ needs a dot, like company.com.")),
    ("special-use or reserved", marked("The part after the @ is reserved: no mail goes there.")),
    (
        "invalid characters before the @-sign",
        marked("Something before the @ cannot be in an address, such as a space."),
    ),
    ("invalid characters", marked("Something after the @ cannot be in an address.")),
]


def email_problem(error):
    """What is wrong with an address, kept to be worded for its reader (`said`)."""
    reason = str(error)
    text = next((words for key, words in EMAIL_PROBLEMS if key in reason), None)
    return said(text or marked("It is not an email address like name@company.com."))


def password_problem(password, *personal):
    """Why a new password is not acceptable, or None. Length and guessability only, no rules
    about character classes: zxcvbn knows the 30,000 most common passwords, keyboard walks,
    repeats and dates, and `personal` words (the person's name and email) count as known."""
    if len(password) < PASSWORD_MIN:
        return _(
            "Use at least %(num)d characters. A short sentence is easy to remember.",
            num=PASSWORD_MIN,
        )
    if len(password) > PASSWORD_MAX:
        return _("Use at most %(num)d characters.", num=PASSWORD_MAX)
    # Imported when a password is chosen: its word lists hold 12 MB that every other process
    # (job workers, exports: bench/README.md) would carry for nothing.
    from zxcvbn import zxcvbn

    # zxcvbn's cost grows with length; beyond 100 characters nobody guesses anything.
    words = [w for p in personal if p for w in re.split(r"[\s@._+-]+", p.lower()) if w]
    verdict = zxcvbn(password[:100], user_inputs=words)
    if verdict["score"] < PASSWORD_MIN_SCORE:
        # zxcvbn's own warning ("This is a top-10 common password") is English only.
        hint = verdict["feedback"]["warning"] if reading()[0] == "en" else ""
        hint = hint or _("It is too easy to guess.")
        advice = _("Choose something less common: a few unrelated words work well.")
        return f"{hint} {advice}"
    return None


def create_person(email, display_name, roles=(Role.MEMBER,), **fields):
    """Create a person with their roles and default preferences."""
    with atomic():
        person = Person.create(email=normalize_email(email), display_name=display_name, **fields)
        PersonRole.insert_many([{"person": person, "role": role} for role in roles]).execute()
        Preferences.create(person=person)
    return person


def preferences(person):
    return Preferences.get(Preferences.person == person)


PEOPLE_PAGE = 50


def people(viewer, find="", page=1):
    """A page of people by name, those whose name or email contains `find` if given, with
    their roles; (people, whether a next page exists, how many there are in all). Three
    queries; admins only."""
    require_admin(viewer)
    query = Person.select().order_by(Person.display_name, Person.id)
    if find.strip():
        words = find.strip().lower()
        query = query.where(
            fn.LOWER(Person.display_name).contains(words) | fn.LOWER(Person.email).contains(words)
        )
    rows = list(query.offset((page - 1) * PEOPLE_PAGE).limit(PEOPLE_PAGE + 1))
    shown, more = rows[:PEOPLE_PAGE], len(rows) > PEOPLE_PAGE
    roles = {}
    for row in PersonRole.select().where(PersonRole.person.in_([p.id for p in shown])):
        roles.setdefault(row.person_id, set()).add(Role(row.role))
    for person in shown:
        person._roles = roles.get(person.id, set())
    return shown, more, query.order_by().count()


def set_roles(actor, person_id, roles):
    """Give the person exactly `roles`, and return them. An admin cannot remove their own
    admin role."""
    require_admin(actor)
    person = found(Person.get_or_none(Person.id == person_id))
    roles = {Role(r) for r in roles}
    if actor.id == person.id and Role.ADMIN not in roles:
        raise Refused(_("You cannot remove your own admin role. Ask another admin."))
    with atomic():
        current = {Role(r.role) for r in person.roles}
        for role in sorted(roles - current):
            PersonRole.create(person=person, role=role)
            log(actor, "role_granted", person.email, role=role.value)
        for role in sorted(current - roles):
            PersonRole.delete().where(
                PersonRole.person == person, PersonRole.role == role
            ).execute()
            log(actor, "role_revoked", person.email, role=role.value)
    person._roles = roles
    return person


# Passwords and sessions


def passwords_on():
    """Whether people sign in with passwords: not with `SSO_ONLY`, but for the break-glass."""
    return not current_app.config["SSO_ONLY"]


def may_use_password(person):
    """Whether `person` may sign in with a password: anyone, unless the company signs in at
    its identity provider only (`SSO_ONLY`); then the break-glass address alone
    (`SSO_BREAK_GLASS`), or the admins when none is set, so the provider being down never
    locks everyone out."""
    if passwords_on():
        return True
    glass = current_app.config["SSO_BREAK_GLASS"]
    return person.email == glass if glass else person.has_role(Role.ADMIN)


def authenticate(email, password):
    """The active person with this email and password, or None. Unknown addresses and wrong
    passwords take the same path and the same time; with `SSO_ONLY`, so do people who must
    sign in at the provider."""
    person = Person.get_or_none(
        Person.email == normalize_email(email),
        Person.is_active == True,  # noqa: E712
    )
    dummy = _dummy_hash()
    stored = person.password_hash if person and person.password_hash else dummy
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if stored is dummy or not may_use_password(person):
        return None
    if hasher.check_needs_rehash(stored):
        person.password_hash = hasher.hash(password)
        person.save(only=[Person.password_hash])
    return person


def record_sign_in(person):
    with atomic():
        log(person, "signed_in", person.email)


def set_password(person, password):
    """Set a new password and end every other session of this person."""
    person.password_hash = hasher.hash(password)
    person.session_version += 1
    person.save(only=[Person.password_hash, Person.session_version])
    live.close_streams(person.id)


def confirm_password(person, password, asked_by):
    """Whether `password` is the signed-in person's own. A wrong one is audited: whoever holds
    a session may be guessing (views limit these checks like sign-in)."""
    if authenticate(person.email, password) is not None:
        return True
    with atomic():
        log(person, "password_check_failed", person.email, asked_by=asked_by)
    return False


def change_password(person, current, new):
    if not confirm_password(person, current, "change password"):
        raise Refused(_("That is not your current password."))
    problem = password_problem(new, person.email, person.display_name)
    if problem:
        raise Refused(problem)
    with atomic():
        set_password(person, new)
        log(person, "password_changed", person.email)
    return Person.get_by_id(person.id)  # with the session version the change moved on


def sign_out(person, sid):
    """End this session on the server: a copy of its cookie opens nothing any more. Ended
    sessions are kept until they would have expired anyway."""
    now = utcnow()
    expired = now - timedelta(seconds=current_app.config["SESSION_MAX_AGE"])
    with atomic():
        insert(EndedSession(sid=sid, ended_at=now), new_only=True)
        EndedSession.delete().where(EndedSession.ended_at < expired).execute()
        log(person, "signed_out", person.email)
        live.close_streams(person.id, sessions.digest(sid))


def sign_out_everywhere(person):
    """End every session of this person, this one included."""
    with atomic():
        Person.update(session_version=Person.session_version + 1).where(
            Person.id == person.id
        ).execute()
        log(person, "signed_out_everywhere", person.email)
        live.close_streams(person.id)


# Signed links


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _token(purpose, nonce):
    return _serializer(purpose).dumps({"n": nonce})


def _read_token(purpose, token, max_age):
    """(nonce, expired) from a link's token, or (None, False) if it was tampered with."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)["n"], False
    except SignatureExpired as error:
        return _serializer(purpose).load_payload(error.payload)["n"], True
    except (BadSignature, KeyError, TypeError):
        return None, False


@dataclass
class LinkState:
    """What a signed link points at and whether it can still be used."""

    row: object = None
    status: str = "invalid"  # ok, expired, used, invalid

    @property
    def ok(self):
        return self.status == "ok"


def _link(model, purpose, token, max_age):
    nonce, expired = _read_token(purpose, token, max_age)
    row = model.get_or_none(model.nonce == nonce) if nonce else None
    if row is None:
        return LinkState()
    if row.used_at is not None:
        return LinkState(row, "used")
    if expired:
        return LinkState(row, "expired")
    return LinkState(row, "ok")


# Invitations and onboarding

INVITE_LINE = re.compile(r"^\s*(?:(?P<name>[^<>,;]*?)\s*<(?P<angle>[^<>]+)>|(?P<plain>.+?))\s*$")


@dataclass
class InviteList:
    entries: list = field(default_factory=list)  # (email, name)
    errors: list = field(default_factory=list)  # "Line 3: …"


def parse_invite_list(text):
    """Read one person a line: `email`, `Name <email>`, or `email, Name`. Every bad line is
    reported; duplicates in the list are reported too."""
    result = InviteList()
    seen = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = INVITE_LINE.match(line)
        name, address = "", ""
        if match.group("angle"):
            name, address = match.group("name"), match.group("angle")
        else:
            parts = [p.strip() for p in re.split(r"[,;\t]", match.group("plain"), maxsplit=1)]
            address = parts[0]
            name = parts[1] if len(parts) > 1 else ""
        try:
            email = check_email(address)
        except Refused as error:
            result.errors.append(
                _("Line %(number)s (%(line)s): %(problem)s", number=number, line=line.strip(),
                  problem=error)
            )  # fmt: skip
            continue
        if email in seen:
            result.errors.append(
                _("Line %(number)s: %(email)s is already in the list.", number=number, email=email)
            )
            continue
        seen.add(email)
        result.entries.append(
            (email, name.strip() or email.split("@")[0].replace(".", " ").title())
        )
    if not result.entries and not result.errors:
        result.errors.append("Enter at least one email address.")
    return result


@dataclass
class InviteResult:
    invited: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (email, reason)
    repeated: bool = False  # the same form sent again: nobody was invited twice


def invite(actor, entries, token=None):
    """Invite each (email, name): create the person if new and email them a link. People who
    already have an account are skipped and reported; inviting twice just sends a new link,
    but the same form sent twice (`token`) invites once."""
    require_inviter(actor)
    result = InviteResult()
    with atomic():
        if once.sent_before(actor, token, "invitations"):
            return InviteResult(repeated=True)
        for email, name in entries:
            person = Person.get_or_none(Person.email == email)
            if person is not None and person.password_hash:
                result.skipped.append((email, "already has an account"))
                continue
            if person is None:
                person = create_person(email, name)
            send_invitation(person, invited_by=actor)
            log(actor, "invited", email)
            result.invited.append(email)
    return result


def admins():
    """The active admins: who is told when an integration stops working."""
    return list(
        Person.select()
        .join(PersonRole)
        .where(PersonRole.role == Role.ADMIN.value, Person.is_active, Person.left_at.is_null())
    )


def send_invitation(person, invited_by=None, about="", calendar=""):
    """Email `person` a new onboarding link; call inside the write's transaction. `about`:
    what they are invited to, when a domain knows ("Cohort 6 of Onboarding, starting …"),
    and `calendar` its invite (learning.calendar)."""
    invitation = Invitation.create(person=person, invited_by=invited_by)
    inviter = invited_by.display_name if invited_by else "The learning team"
    send_mail(
        f"invitation-{invitation.id}",
        person.email,
        _l("%(inviter)s invited you to learn together", inviter=inviter),
        "learning/mail/invitation",
        reader=person,
        calendar=calendar,
        person=person,
        inviter=inviter,
        about=about,
        link=absolute_url("onboarding.start", token=_token("invitation", invitation.nonce)),
        days=current_app.config["INVITATION_MAX_AGE"] // 86400,
    )
    return invitation


def invitation_link(token):
    return _link(Invitation, "invitation", token, current_app.config["INVITATION_MAX_AGE"])


def request_invitation_link(email):
    """Ask for a fresh invitation link; like a reset, the same answer and work for any
    address, and the job (resend_invitation) looks it up."""
    with atomic():
        defer(tasks.resend_invitation, normalize_email(email), key=f"relink-{uuid.uuid4().hex}")


def resend_invitation(email):
    """Send a fresh link to someone invited who has not finished step one."""
    person = Person.get_or_none(Person.email == email)
    if person is None or person.has_account or not person.is_active:
        return
    if not Invitation.select().where(Invitation.person == person).exists():
        return
    with atomic():
        send_invitation(person, invited_by=None)


def accept_invitation(invitation, password, display_name, department, time_zone, language=""):
    """Onboarding step one: the link is used up, the person has a password and a profile."""
    person = invitation.person
    with atomic():
        person.display_name = display_name
        person.department = department
        person.locale = language
        person.time_zone = time_zone
        set_password(person, password)
        person.save()
        Invitation.update(used_at=utcnow()).where(Invitation.person == person).execute()
        log(person, "invitation_accepted", person.email)
    return person


# What domains do when someone leaves the company: {app.extensions key: [leave(person)]}.
ON_LEAVING = "learning.on_leaving"


def on_leaving(app, leave):
    """Register `leave(person)`, run in the transaction that marks someone as left."""
    app.extensions.setdefault(ON_LEAVING, []).append(leave)


def set_active(person, active):
    """The company's directory deactivates someone (they left: signed out everywhere, no more
    email, their contributions kept, reports count them as left) or brings them back. Call
    inside the write's transaction; True when it changed anything."""
    if person.is_active == active:
        return False
    person.is_active = active
    person.left_at = None if active else utcnow()
    if not active:
        person.session_version += 1  # every session ends
        live.close_streams(person.id)
        for leave in current_app.extensions.get(ON_LEAVING, ()):
            leave(person)
    person.save()
    return True


def confirm_profile(person, display_name, department, time_zone, language=""):
    """Onboarding step one for someone who signs in at the company's provider: the parts of
    the profile it does not manage are theirs to choose."""
    chosen = {"display_name": display_name, "department": department, "locale": language,
              "time_zone": time_zone}  # fmt: skip
    with atomic():
        for attribute, value in chosen.items():
            if not person.manages(attribute):
                setattr(person, attribute, value)
        person.profile_confirmed_at = utcnow()
        person.save()
    return person


def accept_guidelines(person):
    person.guidelines_accepted_at = utcnow()
    person.save(only=[Person.guidelines_accepted_at])


def change_language_and_time(person, language, time_zone):
    """The person's own language ("" for their browser's) and time zone (the form's choices:
    languages the product speaks, zones Python knows). What the company's identity provider
    manages stays as the provider said."""
    language = person.locale if person.manages("locale") else language
    time_zone = person.time_zone if person.manages("time_zone") else time_zone
    with atomic():
        Person.update(locale=language, time_zone=time_zone).where(Person.id == person.id).execute()
        if time_zone != person.time_zone:  # their digest's moments move with it
            digest_rechosen(person)
        log(person, "language_and_time_changed", person.email, language=language or "browser's",
            time_zone=time_zone)  # fmt: skip


# What decides when a person's digest comes, besides their time zone.
DIGEST_TIMING = ("digest_frequency", "digest_weekday", "digest_hour", "working_days")


def digest_rechosen(person):
    """The person chose anew when their digest comes: moments of their choice that have
    already passed are not digests to catch up on (`Preferences.digest_chosen_at`)."""
    Preferences.update(digest_chosen_at=utcnow()).where(Preferences.person == person.id).execute()


def save_preferences(person, channels=None, **choices):
    """Save notification preferences (`channels`: the (kind, channel) pairs to keep on);
    the first time, onboarding is done."""
    with atomic():
        timing = {name: value for name, value in choices.items() if name in DIGEST_TIMING}
        if timing:
            saved = Preferences.get(Preferences.person == person)
            if any(getattr(saved, name) != value for name, value in timing.items()):
                digest_rechosen(person)
        if choices:
            Preferences.update(**choices).where(Preferences.person == person).execute()
        if channels is not None:
            notify_preferences.save_channels(person, channels)
        if person.onboarded_at is None:
            person.onboarded_at = utcnow()
            person.save(only=[Person.onboarded_at])


# Password reset


def request_password_reset(email):
    """Ask for a reset link. The answer and the work done here are the same whoever the
    address belongs to, so neither the page nor its timing reveals who has an account: the
    job (send_password_reset) looks the address up."""
    with atomic():
        defer(tasks.send_password_reset, normalize_email(email), key=f"reset-{uuid.uuid4().hex}")


def send_password_reset(email):
    """Email a reset link if an active account has this address; nothing otherwise."""
    person = Person.get_or_none(Person.email == email, Person.is_active == True)  # noqa: E712
    if person is None or not person.password_hash or not may_use_password(person):
        return
    with atomic():
        reset = PasswordReset.create(person=person)
        send_mail(
            f"reset-{reset.id}",
            person.email,
            _l("Reset your password"),
            "learning/mail/password_reset",
            reader=person,
            person=person,
            link=absolute_url("auth.reset_password", token=_token("reset", reset.nonce)),
            minutes=current_app.config["RESET_MAX_AGE"] // 60,
        )


def reset_link(token):
    return _link(PasswordReset, "reset", token, current_app.config["RESET_MAX_AGE"])


def reset_password(reset, password):
    """Set the new password, use up the link and end every session."""
    with atomic():
        set_password(reset.person, password)
        PasswordReset.update(used_at=utcnow()).where(
            PasswordReset.person == reset.person, PasswordReset.used_at.is_null()
        ).execute()
        log(reset.person, "password_reset", reset.person.email)
    return reset.person


def signed_in(session_id, sid):
    """The person a session's id ("person:version") stands for, with their roles and unread
    notices, or None once they signed out of this session (`sid`) or everywhere, changed
    their password or left."""
    person_id, _, version = session_id.partition(":")
    if not (person_id.isdigit() and version.isdigit() and sid):
        return None
    rows = list(queries.signed_in(int(person_id), int(version), sid))
    if not rows:
        return None
    person = rows[0]
    person._roles = {Role(row.role_name) for row in rows if row.role_name}
    return person
