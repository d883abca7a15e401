"""How every API route speaks: bearer tokens, RFC 9457 problem details, cursor paging,
`updated_since`, ETags, per-token rate limits, and the OpenAPI 3.1 document.

The document is made by SpecTree from the routes' pydantic models: the models that check a
request also describe it, and pydantic writes JSON Schema 2020-12, the dialect of OpenAPI
3.1, without translation (apispec and flask-smorest describe marshmallow schemas in 3.0's)."""

import copy
import datetime as dt
import secrets
from functools import wraps
from http import HTTPStatus
from typing import Annotated

from flask import Blueprint, current_app, g, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model
from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree

from learning.api import access, services
from learning.db import atomic
from learning.security import csrf, limiter, token_digest

PREFIX = "/api/v1"
PROBLEM = "application/problem+json"
# Bodies beyond this are refused before they are read.
MAX_BODY = 64 * 1024


# A moment in an answer: the database's naive UTC, said with its zone (RFC 3339).
Moment = Annotated[
    dt.datetime, AfterValidator(lambda v: v if v.tzinfo else v.replace(tzinfo=dt.UTC))
]

# A row's id in a request: a positive number the database's integer columns can hold.
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Problem(BaseModel):
    """RFC 9457 problem details: every error of this API."""

    type: str = Field("about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="The HTTP status in words.")
    status: int
    detail: str = Field("", description="What went wrong with this request, and what to do.")
    errors: list[dict] = Field(
        default_factory=list,
        description="For invalid input: each problem, with where it is (`loc`) and why (`msg`).",
    )


class ApiError(Exception):
    """A problem to answer with: its status, detail and further members."""

    def __init__(self, status, detail="", **extra):
        super().__init__(detail)
        self.status, self.detail, self.extra = status, detail, extra


class Body(BaseModel):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class Paging(BaseModel):
    """Cursor paging and incremental sync, for every list."""

    limit: int = Field(50, ge=1, le=200, description="How many items per page.")
    cursor: str | None = Field(
        None, pattern=r"^[0-9]{1,10}$", description="The `next_cursor` of the page before."
    )
    updated_since: dt.datetime | None = Field(
        None, description="Only what was created or changed at or after this time (ISO 8601)."
    )

    def since(self):
        """`updated_since` as naive UTC, as the database keeps times."""
        moment = self.updated_since
        if moment is not None and moment.tzinfo is not None:
            try:
                moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
            except OverflowError:  # before year 1 in UTC: since the beginning
                return dt.datetime.min
        return moment


def problem(status, detail="", **extra):
    """A problem-details response."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    body["detail"] = str(detail)
    body.update(extra)
    response = current_app.json.response(body)
    response.status_code = status
    response.mimetype = PROBLEM
    return response


def is_api_request():
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def _invalid(req, resp, error, instance, adapter):
    """SpecTree's hook once it checked a request: its errors as one problem."""
    if error is not None:
        errors = [
            {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
            for e in error.errors(include_context=False, include_url=False)
        ]
        raise ApiError(422, _("The request has invalid or unknown fields."), errors=errors)


spec = SpecTree(
    "flask",
    title="Learning Community API",
    version="1",
    description="Programs, cohorts, enrolments, challenges, kudos, participation figures and "
    "the audit log, for HR systems, BI tools and automation. Conversations are never exposed.",
    # SpecTree leaves routes under its own path out of the document: ours is served by us.
    path="_unused",
    page_templates={},
    mode="strict",  # the API's routes only, not the pages'
    security_schemes=[
        SecurityScheme(name="token", data=SecuritySchemeData(type="http", scheme="bearer"))
    ],
    security={"token": []},
    before=_invalid,
    validation_error_status=422,
)


def validate(scope=None, **kwargs):
    """SpecTree's validation for a route, needing `scope` (None: any live token)."""

    def decorate(view):
        checked = spec.validate(force_resp_serialize=True, **kwargs)(view)

        # The scope first: a token that may not write learns nothing from checking its body.
        @wraps(checked)
        def scoped(*args, **kw):
            if scope is not None and scope not in g.api_token.scope_list:
                raise ApiError(403, _("This token lacks the scope %(scope)s.", scope=scope))
            return checked(*args, **kw)

        scoped.scope = scope
        return scoped

    return decorate


def writes(view):
    """A write: one transaction, so a failure leaves nothing half-written."""

    @wraps(view)
    def in_transaction(*args, **kwargs):
        with atomic():
            return view(*args, **kwargs)

    return in_transaction


def responses(ok=None, code="HTTP_200", **more):
    return Response(**({code: ok} if ok is not None else {}), **more)


def actor():
    """Who the request's token acts as."""
    return g.api_actor


def public(view):
    """A route that needs no token (the document and its reference page)."""
    view.public = True
    return view


# Paging


def page(query, id_field, paging, changed=None):
    """One page of `query` in `id_field` order, which new rows join at the end, so paging
    is stable under inserts; `changed`: the column `updated_since` reads. Returns (rows,
    the next page's cursor or None)."""
    if paging.cursor:
        # The last item's id: new rows get higher ones, so they come on later pages.
        query = query.where(id_field > int(paging.cursor))
    if paging.since() is not None and changed is not None:
        query = query.where(changed >= paging.since())
    rows = list(query.order_by(id_field).limit(paging.limit + 1))
    more = len(rows) > paging.limit
    rows = rows[: paging.limit]
    return rows, str(rows[-1].id) if more else None


def listing_of(model):
    """The model of a page of `model`s: what `listing` answers."""
    return create_model(
        f"{model.__name__.removesuffix('Out')}Page",
        data=(list[model], ...),
        next_cursor=(str | None, Field(description="The cursor of the next page; null: last.")),
        has_more=(bool, ...),
    )


def listing(items, next_cursor):
    """A page of items as the API answers it, with a Link header to the next one."""
    body = {"data": items, "next_cursor": next_cursor, "has_more": next_cursor is not None}
    headers = {}
    if next_cursor:
        args = {**request.args.to_dict(), "cursor": next_cursor}
        headers["Link"] = f'<{url_for(request.endpoint, **request.view_args, **args)}>; rel="next"'
    return body, 200, headers


def link(endpoint, **values):
    return url_for(endpoint, **values, _external=True)


# The blueprint every package's API routes are on


def blueprint(name, import_name):
    bp = Blueprint(name, import_name, url_prefix=PREFIX)
    csrf.exempt(bp)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_token_key)(bp)
    bp.before_request(_authenticate)
    bp.before_request(_body)
    bp.after_request(_conditional)
    return bp


def _bearer():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _token_key():
    """Rate limits count per token (an unknown one counts by its own fingerprint too)."""
    token = _bearer()
    if not token:
        return f"api-address:{request.remote_addr}"
    return "api-token:" + token_digest(token)[:32]


def _authenticate():
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "public", False):
        return None
    found = services.token_in_use(_bearer())
    if found is None:
        response = problem(401, _("Send a live API token: Authorization: Bearer <token>."))
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    g.api_token, g.api_actor = found
    return None


def _body():
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    if (request.content_length or 0) > MAX_BODY:
        return problem(413, _("A request body can be up to %(kb)d KB.", kb=MAX_BODY // 1024))
    if request.mimetype != "application/json":
        if not request.content_length:
            return None
        return problem(415, _("Send JSON, with Content-Type: application/json."))
    if not request.get_data(cache=True):
        return None
    body = request.get_json(silent=True)
    if body is None:
        return problem(400, _("The body is not well-formed JSON."))
    if not isinstance(body, dict):
        return problem(422, _("The body must be a JSON object."))
    return None


def _conditional(response):
    """ETags: an unchanged answer to If-None-Match is 304 with no body."""
    if request.method == "GET" and response.status_code == 200 and not response.is_streamed:
        response.add_etag()
        response.make_conditional(request)
        response.headers["Cache-Control"] = "private, no-cache"
    return response


# The document


def document():
    """The OpenAPI 3.1 document, made once per app and language, served from this address."""
    made = current_app.extensions.setdefault("api_documents", {})
    language = str(get_locale())
    if language not in made:
        made[language] = _made_document()
    return {**made[language], "servers": [{"url": request.url_root.rstrip("/")}]}


def _made_document():
    """SpecTree's document, with our errors described as they are sent."""
    made = copy.deepcopy(spec.spec)
    made["info"]["summary"] = "The public API of the learning community"
    made["components"]["schemas"]["Problem"] = Problem.model_json_schema()
    schemas = made["components"]["schemas"]
    for name in [n for n in schemas if n.startswith("ValidationError")]:
        del schemas[name]
    scopes = {s: str(words) for s, (words, _) in access.SCOPES.items()}
    for path, operations in made["paths"].items():
        for method, operation in operations.items():
            view = _view_of(path, method)
            scope = getattr(view, "scope", None)
            if scope:
                operation["description"] = (
                    f"{operation.get('description', '')}\n\nScope: `{scope}` ({scopes[scope]})."
                ).strip()
            _problems(operation, method, scope)
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":  # ids, as the routes take them
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    return made


def _problems(operation, method, scope):
    described = operation["responses"]
    for code in list(described):
        if int(code) >= 400:
            del described[code]
    errors = {"401": _("No live token."), "404": _("Nothing this token may see."),
              "429": _("Too many requests: wait as long as Retry-After says."),
              "422": _("Invalid input."),
              "400": _("A request that cannot be read (a NUL character, say).")}  # fmt: skip
    if scope:
        errors["403"] = _("The token lacks the scope.")
    if method in ("post", "put", "patch"):
        errors.update({"400": _("Malformed JSON."), "413": _("Body too large."),
                       "415": _("Not JSON.")})  # fmt: skip
    else:
        described.setdefault("304", {"description": _("Unchanged since the ETag sent.")})
    for code, words in errors.items():
        described[code] = {
            "description": str(words),
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }


def _view_of(path, method):
    flask_path = path.replace("{", "<int:").replace("}", ">")
    for rule in current_app.url_map.iter_rules():
        if str(rule) == flask_path and method.upper() in rule.methods:
            return current_app.view_functions[rule.endpoint]
    return None


def once_key():
    """What makes a write happen once: the request's Idempotency-Key (per token), else a
    fresh key."""
    key = request.headers.get("Idempotency-Key", "").strip()[:100]
    if not key:
        return secrets.token_urlsafe(16)
    return f"api:{g.api_token.id}:{token_digest(key)[:40]}"
