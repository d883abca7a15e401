"""The home page, the navigation and a health check. Domains add home sections and
navigation links through the functions here, so learning never imports them."""

from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from learning import db as database
from learning import htmx
from learning.people.access import can_invite
from learning.people.models import Role

home = Blueprint("home", __name__)


def add_nav(app, label, endpoint, may_see=None, pages=()):
    """A link in the main navigation, for everyone signed in or for whom the access rule
    `may_see(person)` allows; current on its own page and on `pages` (endpoints)."""
    app.extensions.setdefault("nav", []).append((label, endpoint, may_see, {endpoint, *pages}))


HOME = "home"  # the home page's sections: `context(person)`


def add_section(app, page, template, context, order=0):
    """A section another package adds to a page (`page`: HOME, or a name a package gives
    its own page): `context(*what the page passes)` returns the template's variables, or
    None to leave the section out; `order` places it, first to last."""
    shown = app.extensions.setdefault("sections", {}).setdefault(page, [])
    shown.append((order, template, context))
    shown.sort(key=lambda section: section[0])


def sections(page, *args):
    """[(template, its variables)] of the sections `page` shows for `args`."""
    shown = []
    for _, template, context in current_app.extensions.get("sections", {}).get(page, []):
        values = context(*args)
        if values is not None:
            shown.append((template, values))
    return shown


def nav_items():
    """The navigation links the signed-in person may see: (label, url, current)."""
    if not current_user.is_authenticated:
        return []
    return [
        (label, url_for(endpoint), request.endpoint in pages)
        for label, endpoint, may_see, pages in current_app.extensions.get("nav", [])
        if may_see is None or may_see(current_user)
    ]


@home.get("/")
@login_required
def index():
    return htmx.render(
        "learning/home.html",
        "learning/home.html",
        can_invite=can_invite(current_user),
        sections=sections(HOME, current_user),
        Role=Role,
    )


@home.get("/favicon.ico")
def icon():
    """Where browsers and tools look for the icon without reading the page."""
    return redirect(url_for("static", filename="img/icon.svg"), 301)


@home.get("/healthz")
def health():
    database.check()
    return {"status": "ok"}


# Stands for a value to fill in later; no row has such an id (routes take 32-bit ids).
_SLOT = 2_147_480_000


def url_pattern(endpoint, *slots, **values):
    """url_for(endpoint, **values) with each value named in `slots` left as "{name}", to be
    filled in with str.format for each item of a long list: a page of replies builds each
    of its links once, not once per reply."""
    numbers = {name: _SLOT + n for n, name in enumerate(slots)}
    url = url_for(endpoint, **values, **numbers)
    for name, number in numbers.items():
        url = url.replace(str(number), "{" + name + "}")
    return url


def this_page(**changes):
    """This request's path with its query changed: a value replaces the parameter's, None
    drops it."""
    args = request.args.copy()
    for name, value in changes.items():
        args.pop(name, None)
        if value is not None:
            args[name] = value
    query = urlencode(list(args.items(multi=True)))
    return f"{request.path}?{query}" if query else request.path


def init_app(app):
    app.register_blueprint(home)
    app.context_processor(lambda: {"nav_items": nav_items})
    app.jinja_env.globals["this_page"] = this_page
    add_nav(app, _l("Home"), "home.index")
