"""SCIM 2.0's protocol, spoken by scim2-server over `storage.PeopleStorage`: what the service
announces, who may call it (a live token of ours), and each request's answer. Imported by
the first SCIM request (views.serve)."""

import json
from functools import cache

from flask import Response, g
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ETag,
    External,
    Filter,
    Patch,
    Reference,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    UnauthorizedException,
)
from scim2_server.applications.wsgi import WSGIApplication
from scim2_server.requests import ScimRequest
from scim2_server.service import ScimService
from scim2_server.utils import load_default_resource_types, load_default_schemas

from learning.scim import services
from learning.scim.storage import PeopleStorage


def provider():
    """What the service announces: Users (with the enterprise extension) and Groups, PATCH,
    filters and ETags; no bulk, sorting or passwords."""
    config = ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=200),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="bearer_token",
                description="A token an admin made on Administration → Provisioning",
                spec_uri=Reference[External]("https://datatracker.ietf.org/doc/html/rfc6750"),
            )
        ],
    )
    schemas = load_default_schemas()
    for uri, kept in KEPT.items():
        schemas[uri].attributes = [a for a in schemas[uri].attributes if a.name in kept]
    # Everyone here has an email address: a User without one cannot be made.
    # A member's name is the person's own (their User's displayName), not the group's to say.
    members = next(a for a in schemas[GROUP].attributes if a.name == "members")
    members.sub_attributes = [a for a in members.sub_attributes if a.name != "display"]
    emails = next(a for a in schemas[USER].attributes if a.name == "emails")
    emails.required = True
    next(a for a in emails.sub_attributes if a.name == "value").required = True
    # Microsoft Entra ID's known ways: a remove naming its value, a filter path that creates.
    entra = ScimPolicy(
        remove_value_as_filter=ScimPolicy.RemoveValue.apply,
        unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
    )
    return ScimProvider.from_discovery(
        schemas.values(), load_default_resource_types().values(), config=config, policy=entra
    )


USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
# What a person here has, of what RFC 7643 describes: the rest is refused as unknown.
KEPT = {
    USER: {"userName", "name", "displayName", "emails", "active", "timezone",
           "preferredLanguage"},
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department", "manager"},
}  # fmt: skip


class Directory(WSGIApplication):
    """The SCIM application: a named token of ours, or 401."""

    def check_auth(self, scim_request):
        scheme, _, token = (scim_request.header("Authorization") or "").partition(" ")
        row = services.token_in_use(token.strip()) if scheme.lower() == "bearer" else None
        if row is None:
            raise UnauthorizedException(detail="A live bearer token of this service is needed.")
        g.scim_token = row.name


@cache
def _application(secret):
    described = provider()
    return Directory(PeopleStorage(described), described, ScimService(described, secret=secret))


def answer(request, rest, secret):
    """The SCIM answer to a Flask `request` for /scim/v2/`rest`."""
    scim_request = ScimRequest(
        method=request.method,
        base_url=f"{request.url_root.rstrip('/')}/scim/v2",
        path=f"/{rest}",
        query=request.args.to_dict(),
        headers=list(request.headers.items()),
        body=_entra_manager(request.get_data())
        if request.method == "PATCH"
        else request.get_data(),
    )
    answered = _application(secret).serve(scim_request)
    body = "" if answered.body is None else json.dumps(answered.body)
    return Response(body, status=answered.status.value, headers=answered.headers)


def _entra_manager(body):
    """Entra ID patches the enterprise extension's `manager` with the manager's id alone;
    RFC 7643 makes it {"value": id}. Anything else passes as it came."""
    try:
        patch = json.loads(body)
        for operation in patch.get("Operations", []):
            if str(operation.get("path", "")).lower().endswith(":manager") and isinstance(
                operation.get("value"), str
            ):
                operation["value"] = {"value": operation["value"]}
    except (ValueError, AttributeError, TypeError):
        return body
    return json.dumps(patch).encode()
