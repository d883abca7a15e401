"""Every page of the demo, as each of its people reads it, says nothing clumsy or false of a
kind a template or a format string can produce: empty separators ("· ·"), a wrong plural
("1 hours"), a raw key ("program_id: 11"), a Python value ("None", "[]", "{'"), an unfilled
placeholder ("{name}")."""

import html
import re

import pytest

from tests.world import TABLES, sign_in_everyone, world_urls

SLIPS = {
    "an empty part between separators": re.compile(r"·\s*·"),
    "a singular count with a plural noun": re.compile(
        r"(?<![\d.,])1 (hours|days|weeks|minutes|members|people|replies|check-ins|steps)\b"
    ),
    "a raw key": re.compile(r"\b\w+_id\b"),
    "a Python value": re.compile(r"\bNone\b|\[\]|\{'|\(\)"),
    "an unfilled placeholder": re.compile(r"\{[a-z_]+\}"),
}

# Where a slip's pattern is the page's own subject: the editor of celebration wordings shows
# their placeholders, which it explains.
ABOUT_IT = {("recognition.messages", "an unfilled placeholder")}


def visible_text(page):
    """The words a person reads: no tags, scripts or styles; entities decoded."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.timeout(300)
def test_no_page_of_the_demo_reads_wrong_to_anyone(app, demo):
    app.config.update(SIGNIN_LIMIT="10000 per minute")
    clients = sign_in_everyone(app)
    urls = world_urls(app, demo)
    found = {}
    for (endpoint, method), answers in sorted(TABLES.items()):
        if method != "GET" or endpoint == "static":
            continue
        for who, status in answers.items():
            who = {"ld_manager": "manager"}.get(who, who)
            if status != 200 or who not in clients:
                continue
            response = clients[who].get(urls[endpoint])
            if response.mimetype != "text/html":
                continue
            text = visible_text(response.text)
            for slip, pattern in SLIPS.items():
                if (endpoint, slip) in ABOUT_IT:
                    continue
                for match in pattern.finditer(text):
                    context = text[max(0, match.start() - 40) : match.end() + 40]
                    found.setdefault((endpoint, who), []).append(f"{slip}: …{context}…")
    assert found == {}
