"""The language catalogues are whole and right: every text the code marks is in them, each
translated (no fuzzy entries), with the same placeholders and every plural form."""

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from learning.i18n import TRANSLATIONS

ROOT = TRANSLATIONS.parent.parent
SOURCES = ["learning", "cohorts", "challenges", "feedback", "templates"]
KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
    "said": None, "said_n": (1, 2), "marked": None, "pgettext": ((1, "c"), 2),
}  # fmt: skip
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalogue(code):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=code)


def marked_in_code():
    """Every text the code and the templates mark for translation."""
    with (TRANSLATIONS / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for folder in SOURCES:
        for *_, message, _, _ in extract_from_dir(
            ROOT / folder, method_map, options_map, keywords={**KEYWORDS}
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


TRANSLATED = sorted(po.parents[1].name for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_marked_text_is_translated_with_its_placeholders(code):
    messages = {m.id[0] if isinstance(m.id, tuple) else m.id: m for m in catalogue(code) if m.id}
    missing = marked_in_code() - set(messages)
    assert missing == set(), f"not in {code}'s catalogue: run make messages and translate them"
    nplurals = catalogue(code).num_plurals
    for key, message in messages.items():
        assert "fuzzy" not in message.flags, f"fuzzy in {code}: {key!r}"
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), f"untranslated in {code}: {key!r}"
        if isinstance(message.id, tuple):
            assert len(forms) == nplurals, f"{key!r} needs {nplurals} forms in {code}"
        # A plural's forms may leave out the number itself ("one reply"), nothing else.
        wanted = set(PLACEHOLDER.findall(" ".join(message.id) if forms[1:] else key))
        for form in forms:
            found = set(PLACEHOLDER.findall(form))
            assert wanted - {"num"} <= found <= wanted, f"placeholders of {key!r} in {code}"


def test_the_catalogues_compile_without_warnings(tmp_path):
    from babel.messages.mofile import write_mo

    for code in TRANSLATED:
        with (tmp_path / f"{code}.mo").open("wb") as mo:
            write_mo(mo, catalogue(code))
        checked = list(catalogue(code).check())
        assert checked == [], checked


# Calls whose text a person reads: the text must come marked (`_`, `_l`, `ngettext`, `said`),
# not as a bare string or an f-string.
# {callable: the position of its text}
SHOWN = {"flash": 0, "Refused": 0, "ValidationError": 0, "FileProblem": 0, "SelectChoice": 1}
# Protocol documents a program reads (SCIM's discovery, the API's OpenAPI document), in
# English as the standards' own and as integrators' tools read them.
PROTOCOL = {"AuthenticationScheme", "Field", "SpecTree"}


def test_texts_shown_to_people_are_marked_for_translation():
    import ast

    found = []
    for folder in SOURCES[:-1]:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name in {"demo.py", "cli.py"}:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in PROTOCOL:
                    continue
                at = SHOWN.get(name)
                texts = node.args[at : at + 1] if at is not None else []
                texts += [kw.value for kw in node.keywords if kw.arg in {"message", "description"}]
                for text in texts:
                    plain = isinstance(text, ast.Constant) and isinstance(text.value, str)
                    words = " ".join(
                        part.value for part in getattr(text, "values", [text])
                        if isinstance(part, ast.Constant) and isinstance(part.value, str)
                    )  # fmt: skip
                    if (plain or isinstance(text, ast.JoinedStr)) and re.search(
                        r"[A-Za-z]{2,}", words
                    ):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == [], f"texts shown to people, not marked for translation: {found}"
