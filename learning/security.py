"""CSRF, security headers, rate limits and error pages that are right as pages and as swaps."""

import base64
import hashlib
import threading
import time

import peewee
from flask import abort, current_app, g, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.exceptions import HTTPException, InternalServerError

from learning import htmx
from learning.errors import NotAllowed, NotFound, Refused
from learning.inputs import IdConverter

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

HSTS = "max-age=31536000; includeSubDomains"

MESSAGES = {
    400: (
        _l("Something in that request was not right"),
        _l("Go back, check what you sent and try again."),
    ),
    403: (_l("You do not have access to this"), _l("If you think you should, ask an admin.")),
    404: (
        _l("We could not find that page"),
        _l("It may have moved, or you may not have access to it."),
    ),
    405: (_l("That action is not available here"), _l("Go back and use the buttons on the page.")),
    413: (
        _l("That is too large to send"),
        _l(
            "Nothing was read or saved. A people import can be up to 5 MB: split the file, then "
            "go back and upload each part."
        ),
    ),
    429: (
        _l("Too many attempts"),
        _l(
            "For your security we have paused this for a little while. Wait a minute, then try "
            "again."
        ),
    ),
    503: (
        _l("We cannot reach our database"),
        _l(
            "It is probably restarting: try again in a moment. If you were sending something, "
            "check whether it arrived before you send it again."
        ),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("It has been logged. Please try again in a moment."),
    ),
}
# The API's words for the errors every route may meet.
API_DETAILS = {
    403: _l("This token may not do that."),
    404: _l("There is nothing here that this token may see."),
    405: _l("This method is not allowed here: the reference lists each route's methods."),
    413: _l("The request body is too large."),
    429: _l("Too many requests with this token: wait as long as Retry-After says."),
}
CSRF_MESSAGE = (
    "This form has expired",
    "The page was open too long or was sent from somewhere else. Reload the page and try again; "
    "nothing was changed.",
)


def error_response(status, title, detail):
    """An error as a full page, or as an alert swapped into the page's message area; for the
    API, as problem details."""
    from learning.api import http

    if http.is_api_request():
        return http.problem(status, API_DETAILS.get(status, detail))
    if htmx.is_htmx():
        response = htmx.render(
            "learning/error.html", "learning/_error.html", status, title=title, detail=detail
        )
        # The partial answer goes where messages go, whatever element asked.
        if htmx.wants_fragment():
            htmx.retarget(response, "#messages", "innerHTML")
        return response
    return render_template("learning/error.html", title=title, detail=detail), status


def token_digest(token):
    """What is kept of a bearer token (the directory's, the API's): its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def _holds_nul(value):
    """Whether a JSON value holds a NUL character in any of its strings or keys."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    return isinstance(value, list) and any(_holds_nul(v) for v in value)


def _fernet():
    from cryptography.fernet import Fernet  # 7 MB, for the few that keep a sealed secret

    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else secret
    key = hashlib.sha256(b"stored-secrets:" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret):
    """A secret kept in the database (a chat app's token), encrypted with a key derived from
    SECRET_KEY: a copy of the database alone does not give it away."""
    return _fernet().encrypt(secret.encode()).decode() if secret else ""


def unseal(sealed):
    """The secret `seal` kept; "" when there is none, or SECRET_KEY changed since (the admin
    enters it again)."""
    if not sealed:
        return ""
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return ""


class Outage:
    """The log of a database that does not answer: a warning for the first 503 page, then at
    most one every `every` seconds saying how many were answered since, not a line for each
    request of a busy server."""

    def __init__(self, logger, every=10):
        self.logger, self.every = logger, every
        self.lock = threading.Lock()
        self.logged_at, self.unlogged = None, 0

    def answered(self, error):
        now = time.monotonic()
        with self.lock:
            self.unlogged += 1
            if self.logged_at is not None and now - self.logged_at < self.every:
                return
            count, self.unlogged, self.logged_at = self.unlogged, 0, now
        self.logger.warning(
            "Database unavailable (%d request(s) answered 503 since the last such line): %s",
            count, error,
        )  # fmt: skip


def _csrf_token():
    """The request's CSRF token, for templates: Flask-WTF's `generate_csrf` reads its
    configuration before finding the token it made, and a conversation's page asks once per
    form, three forms per reply."""
    return g.get("csrf_token") or generate_csrf()


def init_app(app):
    app.url_map.converters["int"] = IdConverter
    csrf.init_app(app)
    if app.config["WTF_CSRF_FIELD_NAME"] == "csrf_token":  # where g keeps it
        # Flask-WTF gives templates its own as a global and through a context processor.
        app.jinja_env.globals["csrf_token"] = _csrf_token
        app.context_processor(lambda: {"csrf_token": _csrf_token})
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    limiter.init_app(app)

    @app.before_request
    def _no_nul():
        # Nobody types a NUL character, and PostgreSQL cannot store one in text: refused here,
        # once, rather than as a database error wherever a value is saved: in the address, a
        # form, or a JSON body (where it is written \u0000). A body that is not an upload is
        # kept as it came before its form is read: Slack signs the raw body.
        body = b"" if request.mimetype == "multipart/form-data" else request.get_data(cache=True)
        values = (v for _, vs in request.values.lists() for v in vs)
        if "\x00" in request.path or any("\x00" in v for v in values):
            abort(400)
        if b"\\u0000" in body and request.is_json and _holds_nul(request.get_json(silent=True)):
            abort(400)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config["SESSION_COOKIE_SECURE"]:
            # Production is HTTPS only: browsers should never try plain HTTP again.
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return error_response(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http(error):
        title, detail = MESSAGES.get(error.code, (error.name, error.description))
        return error_response(error.code, title, detail)

    @app.errorhandler(NotFound)
    def _not_found(error):
        return error_response(404, *MESSAGES[404])

    @app.errorhandler(NotAllowed)
    def _not_allowed(error):
        return error_response(403, *MESSAGES[403])

    @app.errorhandler(Refused)
    def _refused(error):
        return error_response(error.status, MESSAGES[400][0], str(error))

    outage = Outage(app.logger)

    @app.errorhandler(peewee.OperationalError)
    @app.errorhandler(peewee.InterfaceError)
    def _database_down(error):
        # The connection is dropped; the next request opens a new one.
        outage.answered(error)
        # The page cannot look the visitor up: it is drawn as for someone signed out.
        g._login_user = AnonymousUserMixin()
        response = make_response(error_response(503, *MESSAGES[503]))
        response.headers["Retry-After"] = "10"
        return response

    @app.errorhandler(InternalServerError)
    def _500(error):
        # Flask has logged the exception already.
        return error_response(500, *MESSAGES[500])
