"""The one place that reads htmx request headers and writes htmx response headers."""

from urllib.parse import urlsplit

from flask import make_response, render_template, request
from flask import redirect as flask_redirect

VARY = ("HX-Request", "HX-Request-Type")


def is_htmx():
    return request.headers.get("HX-Request") == "true"


def wants_fragment():
    """True for an htmx request that swaps part of a page. History restores and requests
    that target the whole body get the full page."""
    return (
        is_htmx()
        and request.headers.get("HX-Request-Type") == "partial"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def page_path():
    """The path (and query) of the page the person is looking at: for a partial htmx request
    the page that sent it (`HX-Current-URL`), not the fragment it asks for; None if unknown."""
    if not wants_fragment():
        return request.full_path.rstrip("?")
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    if not current.path:
        return None
    return current.path + (f"?{current.query}" if current.query else "")


def render(page, fragment, status=200, /, **context):
    """Render the fragment for a partial htmx request, the page otherwise."""
    response = make_response(
        render_template(fragment if wants_fragment() else page, **context), status
    )
    response.vary.update(VARY)
    return response


def redirect(location):
    """Go to `location`: HX-Redirect for htmx, 303 See Other for a plain form post."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = location
        return response
    return flask_redirect(location, 303)


def retarget(response, target, swap="innerHTML"):
    """Swap an htmx response into `target` instead of the element that asked."""
    response.headers["HX-Retarget"] = target
    response.headers["HX-Reswap"] = swap
    return response
