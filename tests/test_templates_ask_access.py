"""A template never checks a role itself: it asks an access rule, so each rule lives in one
file."""

from pathlib import Path

TEMPLATES = Path(__file__).parent.parent / "templates"


def test_no_template_checks_a_role_itself():
    checking = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "has_role(" in path.read_text()
    ]
    assert checking == []
