"""User-written text: Markdown with raw HTML off, then an allow-list, for pages and emails."""

import functools
import re

import nh3
from babel import numbers
from flask_babel import gettext as _
from flask_babel import ngettext
from markdown_it import MarkdownIt
from markupsafe import Markup

from learning.i18n import reading

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
# No img (tracking pixels), no class/style/id, no data-* (which would let data-hx-* through).
TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h3", "h4", "h5", "h6",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    """Safe HTML for `text`; the template still wraps it in an hx-ignore container."""
    return Markup(_cleaned(text or ""))  # noqa: S704 (nh3 has cleaned it with an allow-list)


@functools.lru_cache(maxsize=4096)
def _cleaned(text):
    """The same text always gives the same HTML: a thread's replies are rendered once per
    worker process, not at every view (about 10 MB at most)."""
    html = _markdown.render(text)
    # Headings in a post sit below the page's own h1 and h2.
    for level in (1, 2):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )


def duration(delta):
    """A length of time in words: "45 min", "3 h 20 min", "2 days 4 h"."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    in_hours, in_minutes = _("%(num)d h", num=hours), _("%(num)d min", num=minutes)
    if days:
        in_days = ngettext("%(num)d day", "%(num)d days", days)
        return f"{in_days} {in_hours}" if hours else in_days
    if hours:
        return f"{in_hours} {in_minutes}" if minutes else in_hours
    return in_minutes


def init_app(app):
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["duration"] = duration


# Whatever a mail header or a one-line field must not hold: C0/C1 controls (CR and LF among
# them), surrogates, and the Unicode line and paragraph separators pasted from documents.
_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]+")


def one_line(text, limit=None):
    """`text` on one line: every control character and line or paragraph separator becomes a
    space, runs of spaces one; cut at `limit` characters with an ellipsis."""
    text = " ".join(_BREAKS.sub(" ", text or "").split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def amount_text(value):
    """1.5 → "1.5", 2.0 → "2", 1234.5 → "1,234.5" (in Polish "1234,5")."""
    return numbers.format_decimal(round(value, 2), format="#,##0.##", locale=reading()[0])


def starts_in(days):
    """When something starts, `days` from today: "Starts today", "Starts tomorrow",
    "Starts in 4 days"."""
    if days == 0:
        return _("Starts today")
    if days == 1:
        return _("Starts tomorrow")
    return ngettext("Starts in %(num)d day", "Starts in %(num)d days", days)


def quantity(value, unit):
    """An amount with its unit as the company wrote it (a challenge's, set by L&D, in the
    plural). In English the unit is made singular for one: "1 hour", "2.5 hours", "1 class";
    other languages' plurals depend on the number in ways a unit typed once cannot follow, so
    there it is written as typed ("1 godz.", "3 km")."""
    number = amount_text(value)
    if number != "1" or reading()[0] != "en":
        return f"{number} {unit}".rstrip()
    for plural, singular in SINGULARS:
        if unit.endswith(plural) and not (plural == "s" and unit.endswith("ss")):
            return f"1 {unit[: -len(plural)]}{singular}"
    return f"1 {unit}".rstrip()


# English plural endings, the longest first, and their singular.
SINGULARS = (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh"), ("s", ""))
