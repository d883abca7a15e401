"""Who someone signed in at the company's identity provider is here.

An external identity is linked on the provider's immutable subject (`iss` and `sub`), never
on an email address once linked: a changed address at the provider changes ours. The first
link finds the person by email only when the provider says it verified that address
(`email_verified`); otherwise an admin confirms it. Someone the product does not know yet
arrives (a person is created for them) only when the admin allowed their email domain.
The claims the admin chose fill the profile, and the parts they fill are managed at the
provider: read-only here, refreshed at each sign-in."""

import json
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from learning.audit.services import log
from learning.config import ENVIRONMENT
from learning.db import atomic, utcnow
from learning.errors import found
from learning.i18n import supported, valid_zone
from learning.people.access import require_admin
from learning.people.models import Invitation, Person
from learning.people.services import create_person, normalize_email
from learning.sso.models import ExternalIdentity, SignInSettings

# Each part of a profile a claim can fill: (its name, the claim that usually carries it).
PROFILE = {
    "display_name": (_l("Name"), "name"),
    "department": (_l("Department"), "department"),
    "location": (_l("Location"), "location"),
    "time_zone": (_l("Time zone"), "zoneinfo"),
    "locale": (_l("Language"), "locale"),
    "manager": (_l("Manager (their email address)"), "manager"),
}
TEXT_MAX = 100


def configured():
    """Whether the company's provider is set up (`OIDC_ISSUER`)."""
    return bool(current_app.config["OIDC_ISSUER"])


def provider_name(setting="OIDC_NAME"):
    """The provider's name on its button: the operator's, or "your company account" in the
    reader's language when they left the default."""
    name = current_app.config[setting]
    return _("your company account") if name == ENVIRONMENT[setting][0] else name


# The admin's choices


def settings():
    return SignInSettings.get_or_none() or SignInSettings()


def claim_names():
    """{profile attribute: the claim that fills it} ("" : none does)."""
    return settings().claim_names({key: claim for key, (_label, claim) in PROFILE.items()})


def save_settings(actor, claims, arrival_domains):
    """Save which claim fills each part of a profile, and the domains whose people may
    arrive without an invitation (space-separated; empty: nobody)."""
    require_admin(actor)
    domains = " ".join(sorted({d.strip().lower().lstrip("@") for d in arrival_domains.split()}))
    with atomic():
        row = settings()
        row.claims = json.dumps({k: (claims.get(k) or "").strip() for k in PROFILE})
        row.arrival_domains = domains
        row.changed_at = utcnow()
        row.save()
        log(actor, "sign_in_settings_changed", domains=domains)
    return row


# Claims to profile


@dataclass
class Mapped:
    """What one claim gives a profile: the claim's name, the value the provider sent, what it
    becomes (None: nothing, with `problem` saying why)."""

    attribute: str
    label: str
    claim: str
    sent: object
    value: object = None
    problem: str = ""


def mapped(claims):
    """Each part of a profile with what the provider's `claims` give it, for sign-in and for
    the admins' "Try sign-in" page."""
    rows = []
    for attribute, claim in claim_names().items():
        sent = claims.get(claim) if claim else None
        row = Mapped(attribute, PROFILE[attribute][0], claim, sent)
        if sent in (None, "", []):
            row.problem = _("Not in the claims.") if claim else _("No claim chosen.")
        else:
            row.value, row.problem = _value(attribute, sent)
        rows.append(row)
    return rows


def _value(attribute, sent):
    """(what the claim becomes, or None; why not). Bad values are left out: the profile keeps
    what it has, and the sign-in goes on."""
    text = str(sent).strip()
    if attribute in ("display_name", "department", "location"):
        return text[:TEXT_MAX], ""
    if attribute == "time_zone":
        zone = valid_zone(text)
        return (zone, "") if zone != "UTC" or text == "UTC" else (None, _("Not a time zone."))
    if attribute == "locale":
        language = supported(text)
        return (language, "") if language else (None, _("Not a language the product speaks."))
    manager = Person.get_or_none(Person.email == normalize_email(text))
    if manager is None:
        return None, _("Nobody here has that address.")
    return manager.id, ""


def _apply(person, rows, email):
    """Fill the profile from the mapped claims; the parts filled are managed at the provider
    (as are those the directory provisions, SCIM)."""
    managed = {"email", *person.managed.split()}
    if email and email != person.email and not _taken(email, person):
        person.email = email
    for row in rows:
        if row.value is not None:
            setattr(person, "manager_id" if row.attribute == "manager" else row.attribute,
                    row.value)  # fmt: skip
            managed.add(row.attribute)
    person.managed = " ".join(sorted(managed))
    person.save()


def _taken(email, person):
    return Person.select().where(Person.email == email, Person.id != person.id).exists()


# Signing in


class NotLinked(Exception):  # noqa: N818 (a refusal the sign-in page explains)
    """Why someone who signed in at the provider is not signed in here, and what to do."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason, self.message = reason, message


def signed_in_at_provider(issuer, claims):
    """The person someone signed in at the provider as (its verified ID token's `claims`) is
    here: linked, found by a verified address, or arrived; their profile refreshed. Raises
    `NotLinked`, audited, when there is none."""
    subject = str(claims.get("sub") or "")
    email = normalize_email(claims.get("email") or "")
    verified = vouched_for(claims)
    with atomic():
        try:
            identity = _identity(issuer, subject, email, verified, claims)
        except NotLinked as refused:  # a link waiting for an admin is kept all the same
            log(None, "sso_refused", email or subject, reason=refused.reason)
            refusal = refused
        else:
            refusal, person = None, identity.person
            _apply(person, mapped(claims), email if verified else "")
            identity.email, identity.last_sign_in_at = email, utcnow()
            identity.save()
            log(person, "signed_in", person.email, source=issuer)
    if refusal is not None:
        raise refusal
    return person


def vouched_for(claims):
    """Whether the provider vouches for the address: `email_verified`; where a provider never
    sends it (Microsoft Entra ID, for work accounts), `xms_edov`, an optional claim saying
    the address's domain belongs to the tenant that signed the token."""
    sent = claims.get("email_verified", claims.get("xms_edov"))
    return sent in (True, "true", "True", 1, "1")


def _identity(issuer, subject, email, verified, claims):
    if not subject:
        raise NotLinked("no_subject", _("The provider did not say who you are. Tell IT."))
    identity = ExternalIdentity.get_or_none(
        ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject
    )
    if identity is None:
        identity = _first_link(issuer, subject, email, verified, claims)
    if not identity.confirmed:
        raise NotLinked(
            "waiting",
            _("An administrator has to confirm that this account is yours before you can sign "
              "in with it. They have been asked; try again later."),
        )  # fmt: skip
    if not identity.person.is_active:
        raise NotLinked(
            "inactive", _("Your account here is closed. Ask your L&D team if this is a mistake.")
        )
    return identity


def _first_link(issuer, subject, email, verified, claims):
    """A first sign-in at the provider: the person with a verified address, a person who
    arrives (allowed domain), or a link waiting for an admin (an unverified address)."""
    person = Person.get_or_none(Person.email == email) if email else None
    if person is not None:
        if (
            ExternalIdentity.select()
            .where(ExternalIdentity.person == person, ExternalIdentity.issuer == issuer)
            .exists()
        ):  # linked to another account at the same provider: never by email again
            raise NotLinked(
                "linked_elsewhere",
                _("Your account here is linked to another account at the provider. Sign in "
                  "with that one, or ask an administrator."),
            )  # fmt: skip
        identity = ExternalIdentity.create(
            person=person, issuer=issuer, subject=subject, email=email, confirmed=verified
        )
        log(person, "sso_linked", email, confirmed=verified)
        Invitation.update(used_at=utcnow()).where(
            Invitation.person == person, Invitation.used_at.is_null()
        ).execute()
        return identity
    if not (email and verified and may_arrive(email)):
        raise NotLinked(
            "unknown",
            _("There is no account here for %(email)s yet. Ask your L&D team to invite you.",
              email=email or _("your address")),
        )  # fmt: skip
    name = str(claims.get(claim_names()["display_name"]) or email.split("@")[0])[:TEXT_MAX]
    person = create_person(email, name)
    log(person, "person_arrived", email)
    return ExternalIdentity.create(person=person, issuer=issuer, subject=subject, email=email)


def may_arrive(email):
    """Whether someone unknown with this (verified) address may arrive: its domain is one
    the admin allowed."""
    return email.rpartition("@")[2] in settings().domains


# Links waiting for an admin


def waiting_links(viewer):
    require_admin(viewer)
    return list(
        ExternalIdentity.select(ExternalIdentity, Person)
        .join(Person)
        .where(ExternalIdentity.confirmed == False)  # noqa: E712
        .order_by(ExternalIdentity.created_at)
    )


def confirm_link(actor, identity_id, confirmed=True):
    """An admin confirms that an account at the provider is the person's (or refuses it)."""
    require_admin(actor)
    identity = found(
        ExternalIdentity.get_or_none(
            ExternalIdentity.id == identity_id,
            ExternalIdentity.confirmed == False,  # noqa: E712
        )
    )
    with atomic():
        if confirmed:
            identity.confirmed = True
            identity.save()
        else:
            identity.delete_instance()
        log(actor, "sso_link_confirmed" if confirmed else "sso_link_refused",
            identity.person.email)  # fmt: skip
    return identity
