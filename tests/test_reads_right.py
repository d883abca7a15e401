"""Every page of the demo, as each of its people reads it, says nothing clumsy or false of a
kind a template or a format string can produce: empty separators ("· ·"), a wrong plural
("1 hours"), a raw key ("program_id: 11"), a Python value ("None", "[]", "{'"), an unfilled
placeholder ("{name}")."""

import re

import pytest

from tests.world import pages_everyone_reads, visible_text

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
# The API reference shows field names, path templates and headers ("person_id",
# "{person_id}", "If-None-Match").
ABOUT_IT = {
    ("recognition.messages", "an unfilled placeholder"),
    ("api.reference", "a raw key"),
    ("api.reference", "an unfilled placeholder"),
    ("api.reference", "a Python value"),
}


@pytest.mark.timeout(300)
def test_no_page_of_the_demo_reads_wrong_to_anyone(app, demo):
    found = {}
    for endpoint, who, response in pages_everyone_reads(app, demo):
        text = visible_text(response.text)
        for slip, pattern in SLIPS.items():
            if (endpoint, slip) in ABOUT_IT:
                continue
            for match in pattern.finditer(text):
                context = text[max(0, match.start() - 40) : match.end() + 40]
                found.setdefault((endpoint, who), []).append(f"{slip}: …{context}…")
    assert found == {}
