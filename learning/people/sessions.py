"""Sessions: a new one at every sign-in, ended after a while without activity and after a
fixed time whatever happens.

Flask keeps the session in a signed cookie, so "rotating the session id" means starting from
an empty session: nothing a visitor carried before signing in (a planted cookie, an old CSRF
token) survives it. Both clocks live in the session and are checked on every request."""

import hashlib
import secrets
import time

from flask import current_app, flash, request, session, url_for
from flask_login import current_user, login_user, logout_user

from learning import htmx

# Each sign-in's random id: signing out ends it on the server (EndedSession).
SID = "sid"
SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
# Refreshing the idle clock rewrites the cookie: once a minute is precise enough.
SEEN_RESOLUTION = 60
# Messages waiting for the next page: a client that never shows one (a script, or a form sent
# again and again without following its redirects) would otherwise grow the cookie past what
# browsers keep, and they drop it: the person would be signed out.
FLASHES_KEPT = 5


def passive(view):
    """Mark a view that pages call on their own (polls): it does not count as activity, so a
    tab left open still times out."""
    view.passive = True
    return view


def start(person, keep=False):
    """Sign `person` in on a new, empty session. `keep`: the cookie outlives the browser
    window (still within both time limits)."""
    session.clear()
    login_user(person, fresh=True)
    session.permanent = keep
    session[SID] = secrets.token_urlsafe(24)
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def ends_at():
    """When this session ends unless its person does something (epoch seconds)."""
    config = current_app.config
    return min(
        session.get(SIGNED_IN_AT, 0) + config["SESSION_MAX_AGE"],
        session.get(SEEN_AT, 0) + config["SESSION_IDLE"],
    )


def digest(sid=None):
    """A session's id (this one's by default) as others may see it: its live streams close
    when it is signed out."""
    sid = session.get(SID, "") if sid is None else sid
    return hashlib.sha256(sid.encode()).hexdigest()[:32]


def _expired(now):
    config = current_app.config
    signed_in_at = session.get(SIGNED_IN_AT, 0)
    seen_at = session.get(SEEN_AT, 0)
    if now - signed_in_at > config["SESSION_MAX_AGE"]:
        return "You were signed out because your session reached its time limit. Sign in again."
    if now - seen_at > config["SESSION_IDLE"]:
        return "You were signed out after a while without activity. Sign in again to go on."
    return None


def init_app(app):
    @app.after_request
    def _few_flashes(response):
        waiting = session.get("_flashes")
        if waiting and len(waiting) > FLASHES_KEPT:
            session["_flashes"] = waiting[-FLASHES_KEPT:]
        return response

    @app.before_request
    def _timeouts():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = int(time.time())
        reason = _expired(now)
        if reason:
            logout_user()
            session.clear()
            flash(reason, "info")
            target = url_for("auth.sign_in")
            if request.method == "GET" and not htmx.is_htmx():
                target = url_for("auth.sign_in", next=request.full_path.rstrip("?"))
            return htmx.redirect(target)
        view = app.view_functions.get(request.endpoint)
        if not getattr(view, "passive", False) and now - session[SEEN_AT] >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        return None
