"""People and their groups as SCIM resources, for scim2-server: it speaks the protocol
(discovery, filters, PATCH, errors, ETags), and asks this storage to read and write.

A User is a person: `userName` and the primary email are their address, `displayName` their
name, `active` whether they are still with the company, the enterprise extension's
`department` and `manager`, `timezone` and `preferredLanguage` their time and language. A
Group is a department or a program's enrolment, as the admin chose (groups.py). What the
directory sends is managed there: read-only on our pages. Each operation is one transaction,
audited with the token's name."""

import datetime as dt
import hashlib
import json
import re
from contextlib import contextmanager

from flask import g
from peewee import fn
from scim2_models import (
    Context,
    InvalidValueException,
    NotFoundException,
    NotImplementedException,
    UniquenessException,
)
from scim2_server.storage import ScimStorage, SearchPage

from learning.audit.services import log
from learning.db import atomic, utcnow
from learning.i18n import supported, valid_zone
from learning.inputs import number_or_none
from learning.people import services as people
from learning.people.models import Person
from learning.scim import groups

# What the directory manages of a person it provisions.
MANAGED = "email display_name department time_zone locale manager"
EQUALS = re.compile(r'^\s*(userName|externalId|displayName)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.I)
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
COLUMNS = {"externalid": Person.external_id, "displayname": Person.display_name}


def _moment(value):
    return (value or utcnow()).replace(tzinfo=dt.UTC)


def _version(resource):
    """A weak ETag that changes whenever what the resource says changes."""
    body = json.dumps(resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE),
                      sort_keys=True, default=str)  # fmt: skip
    return f'W/"{hashlib.sha256(body.encode()).hexdigest()[:16]}"'


def _audit(action, subject, **detail):
    log(None, action, subject, token=g.get("scim_token", ""), **detail)


class PeopleStorage(ScimStorage):
    """Users are people; Groups are departments or programs. Resources are read and made as
    the JSON the service describes (`provider`'s models), so only what it announces goes in
    or out."""

    def __init__(self, provider):
        self.provider = provider

    def _made(self, resource_type, data):
        return self.provider.model_for(resource_type).model_validate(data)

    @staticmethod
    def _sent(resource):
        return resource.model_dump(by_alias=True, exclude_none=True, mode="json")

    @contextmanager
    def operation(self):
        with atomic():
            yield

    # Reading

    def get(self, resource_type, resource_id, *, response_parameters=None):
        if resource_type.name == "User":
            return self._user(resource_type, self._person(resource_id))
        return self._group(resource_type, groups.kind().one(resource_id))

    def search(self, resource_types, search_request, *, position=None):
        if len(resource_types) != 1:
            raise NotImplementedException(detail="Search Users or Groups, one at a time.")
        [resource_type] = resource_types
        start = max(search_request.start_index or 1, 1)
        count = search_request.count if search_request.count is not None else 100
        scim_filter = search_request.filter
        if resource_type.name == "Group":
            found = [self._group(resource_type, g) for g in groups.kind().all()]
        else:
            query = Person.select().where(Person.deprovisioned_at.is_null()).order_by(Person.id)
            simple = EQUALS.match(str(scim_filter)) if scim_filter is not None else None
            if scim_filter is None:
                total = query.count()
                page = query.offset(start - 1).limit(count)
                return SearchPage(total, [self._user(resource_type, p) for p in page])
            if simple:
                attribute, value = simple.group(1).lower(), simple.group(2).replace('\\"', '"')
                if attribute == "username":  # compared as the directory's, or the address
                    query = query.where((fn.LOWER(Person.user_name) == value.lower())
                                        | (Person.email == value.lower()))  # fmt: skip
                else:
                    query = query.where(COLUMNS[attribute] == value)
            found = [self._user(resource_type, p) for p in query]
        if scim_filter is not None:
            found = [r for r in found if scim_filter.match(r)]
        return SearchPage(len(found), found[start - 1 : start - 1 + count])

    # Writing

    def create(self, resource_type, resource):
        if resource_type.name == "Group":
            return self._save_group(resource_type, None, resource)
        sent = self._sent(resource)
        email, user_name = self._address(sent), sent.get("userName", "")
        taken = Person.select().where(Person.email == email).exists()
        if taken or self._name_taken(user_name or email, 0):
            raise UniquenessException(detail=f"{user_name or email} is taken.")
        person = people.create_person(email, sent.get("displayName") or email.split("@")[0])
        _audit("person_provisioned", email)
        return self._save_user(resource_type, person, resource)

    def update(self, resource_type, resource, *, expected_version=None):
        if resource_type.name == "Group":
            return self._save_group(resource_type, resource.id, resource)
        return self._save_user(resource_type, self._person(resource.id), resource)

    def delete(self, resource_type, resource_id, *, expected_version=None):
        if resource_type.name == "Group":
            _audit("group_deprovisioned", groups.kind().delete(resource_id))
            return
        person = self._person(resource_id)
        people.set_active(person, False)
        person.deprovisioned_at = utcnow()
        person.save()
        _audit("person_deprovisioned", person.email)

    # People

    def _person(self, resource_id):
        person = Person.get_or_none(
            Person.id == number_or_none(resource_id), Person.deprovisioned_at.is_null()
        )
        if person is None:
            raise NotFoundException(detail=f"No User {resource_id}.")
        return person

    @staticmethod
    def _address(sent):
        """Their email address: the primary one sent, else the first, else the userName."""
        emails = [e for e in sent.get("emails", ()) if e.get("value")]
        primary = [e["value"] for e in emails if e.get("primary")]
        others = [e["value"] for e in emails]
        address = people.normalize_email((primary + others + [sent.get("userName", "")])[0])
        if "@" not in address:
            raise InvalidValueException(detail="A User needs an email address: emails, userName.")
        return address

    @staticmethod
    def _name_taken(user_name, person_id):
        return (
            Person.select()
            .where(
                (fn.LOWER(Person.user_name) == user_name.lower())
                | ((Person.user_name.is_null()) & (Person.email == user_name.lower())),
                Person.id != person_id,
            )
            .exists()
        )

    def _save_user(self, resource_type, person, resource):
        sent = self._sent(resource)
        email, user_name = self._address(sent), sent.get("userName")
        if email != person.email:
            if Person.select().where(Person.email == email, Person.id != person.id).exists():
                raise UniquenessException(detail=f"{email} is already someone's address.")
            person.email = email
        if user_name and self._name_taken(user_name, person.id):
            raise UniquenessException(detail=f"{user_name} is already a userName.")
        person.user_name = user_name if user_name and user_name.lower() != email else None
        external_id = sent.get("externalId")
        if external_id and external_id != person.external_id:
            taken = Person.select().where(Person.external_id == external_id, Person.id != person.id)
            if taken.exists():
                raise UniquenessException(detail=f"externalId {external_id} is taken.")
        person.external_id = external_id
        name = sent.get("name", {})
        written = " ".join(filter(None, [name.get("givenName"), name.get("familyName")]))
        person.display_name = (sent.get("displayName") or name.get("formatted") or written
                               or person.display_name)[:100]  # fmt: skip
        person.time_zone = valid_zone(sent["timezone"]) if sent.get("timezone") else "UTC"
        person.locale = supported(sent.get("preferredLanguage")) or ""
        enterprise = sent.get(ENTERPRISE, {})
        person.department = (enterprise.get("department") or "")[:100]
        manager = Person.get_or_none(
            Person.id == number_or_none((enterprise.get("manager") or {}).get("value"))
        )
        person.manager_id = manager.id if manager else None
        person.managed = " ".join(sorted(set(person.managed.split()) | set(MANAGED.split())))
        changed = people.set_active(person, sent.get("active") is not False)
        person.directory_record = json.dumps(
            {k: v for k, v in sent.items() if k not in ("id", "meta", "schemas")}
        )
        person.changed_at = utcnow()
        person.save()
        _audit("person_updated_by_directory", person.email,
               **({"active": person.is_active} if changed else {}))  # fmt: skip
        return self._user(resource_type, person)

    def _user(self, resource_type, person):
        """The person as the directory last described them (what we keep of it is theirs), or
        as we know them; their id, address, state and times are ours."""
        data = {
            "schemas": [USER_SCHEMA, ENTERPRISE],
            "id": str(person.id),
            "externalId": person.external_id,
            "userName": person.user_name or person.email,
            "displayName": person.display_name,
            "name": {"formatted": person.display_name},
            "emails": [{"value": person.email, "primary": True, "type": "work"}],
            "active": person.is_active,
            "timezone": person.time_zone or None,
            "preferredLanguage": person.locale or None,
            ENTERPRISE: {
                "department": person.department or None,
                "manager": {"value": str(person.manager_id)} if person.manager_id else None,
            },
            "meta": _meta("User", person.created_at, person.changed_at),
        }
        if person.directory_record:
            record = json.loads(person.directory_record)
            ours = {k: data[k] for k in ("schemas", "id", "meta", "userName")}
            data = {**record, **ours}
            if "active" in record or not person.is_active:
                data["active"] = person.is_active
        return _versioned(self._made(resource_type, _without_none(data)))

    # Groups: departments or program enrolments (groups.py)

    def _save_group(self, resource_type, group_id, resource):
        sent = self._sent(resource)
        name = (sent.get("displayName") or "").strip()[:100]
        members = {number_or_none(m.get("value")) for m in sent.get("members", ())} - {None}
        grouped = groups.kind().save(group_id, name, sent.get("externalId"), members)
        _audit("group_provisioned", name, people=len(members))
        return self._group(resource_type, grouped)

    def _group(self, resource_type, grouped):
        data = {
            "schemas": [GROUP_SCHEMA],
            "id": str(grouped.id),
            "externalId": grouped.external_id,
            "displayName": grouped.name,
            "members": [{"value": str(m), "$ref": f"Users/{m}", "type": "User"}
                        for m in grouped.members] or None,
            "meta": _meta("Group", grouped.created_at, grouped.created_at),
        }  # fmt: skip
        return _versioned(self._made(resource_type, _without_none(data)))


def _meta(resource_type, created, changed):
    return {"resourceType": resource_type, "created": _moment(created).isoformat(),
            "lastModified": _moment(changed).isoformat()}  # fmt: skip


def _without_none(data):
    if isinstance(data, dict):
        kept = {k: _without_none(v) for k, v in data.items() if v is not None}
        return {k: v for k, v in kept.items() if v != {}}
    return data


def _versioned(resource):
    resource.meta.version = _version(resource)
    return resource
