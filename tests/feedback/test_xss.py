"""An XSS corpus through every shown field of threads and replies: harmless text or removed."""

import re
from html.parser import HTMLParser

import pytest

from feedback.models import Thread

CORPUS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)><circle r=5></svg>",
    "[click](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="/sign-out" hx-post="/sign-out" hx-trigger="load">x</a>',
    '<div data-hx-get="/account" data-hx-trigger="load">y</div>',
    '<iframe src="https://evil.example"></iframe>',
    "<<b>broken <i>markup",
    '"><script>alert(2)</script>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><button>go</button></form>',
]
ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
                "hr", "h3", "h4", "h5", "h6", "dl", "dt", "dd"}  # fmt: skip


class Elements(HTMLParser):
    """The real elements and attributes in a piece of HTML (escaped text is not one)."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def dangers(html):
    problems = []
    for tag, attrs in Elements(html).found:
        if tag not in ALLOWED_TAGS:
            problems.append(tag)
        for name, value in attrs.items():
            if name.startswith(("on", "hx-", "data-")) or name in ("style", "src"):
                problems.append(f"{tag}[{name}]")
            if name == "href" and not re.match(r"^(https?:|mailto:)", value or ""):
                problems.append(f"{tag}[href={value}]")
    return problems


def user_content(html):
    """Everything the page shows inside hx-ignore containers (the users' words)."""
    return "".join(
        re.findall(
            r'<div class="prose" hx-ignore>(.*?)</div>\s*'
            r'(?:<p|<div class="row"|\{|<form|</article)',
            html,
            re.S,
        )
    )


@pytest.mark.parametrize("payload", CORPUS)
def test_payloads_in_titles_bodies_and_feedback_render_harmless(cohort, team, sign_in, payload):
    author, reviewer = sign_in(team[0]), sign_in(team[1])
    response = author.post(
        f"/cohorts/{cohort.id}/threads/new",
        data={"kind": "share_work", "title": payload[:150], "body": payload},
    )
    assert response.status_code == 303
    thread = Thread.get()
    reviewer.post(
        f"/threads/{thread.id}/replies",
        data={
            "parent_id": "0",
            "body": payload,
            "worked": payload,
            "try_next": payload,
            "question": payload,
        },
    )
    page = author.get(f"/threads/{thread.id}").text
    shown = user_content(page)
    assert shown, "the users' words are rendered inside hx-ignore containers"
    assert dangers(shown) == [], shown
    # The title is escaped text wherever it appears.
    assert payload[:150] not in page or "<" not in payload
    space = author.get(f"/cohorts/{cohort.id}").text
    listing = space.split('id="threads-heading"')[1].split("</section>")[0]
    assert [
        (tag, attrs)
        for tag, attrs in Elements(listing).found
        if tag in ("script", "img", "svg", "iframe", "style", "form")
        or any(name.startswith(("on", "hx-", "data-")) for name in attrs)
    ] == []
