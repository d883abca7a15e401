"""Fuzzing every form and every parameter (#36): each route of the app, for each kind of
visitor, with random, huge, negative, empty, non-UTF-8, control-character and very long
values, answers with a page or a message (2xx, 3xx or 4xx), never a 5xx; and the jobs those
requests left behind run without an exception.

The fields come from the forms the pages themselves draw (as an attacker finds them), and
the query parameters from the code's `request.args`; the world is the demo company."""

import logging
import os
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rq import SimpleWorker
from rq.registry import FailedJobRegistry

from learning.jobs.services import queue, worker_connection
from tests.routes import Forms
from tests.world import TABLES, VISITORS, sign_in_everyone, world_urls

ROOT = Path(__file__).resolve().parent.parent
# Requests per route (each a hypothesis example); FUZZ_EXAMPLES=200 for a long hunt.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
# Ending one's own session would leave the rest of the run signed out.
SKIPPED = {"auth.sign_out", "auth.sign_out_everywhere", "static"}
# Every query parameter a view reads, found in the code as it is.
QUERY = sorted(
    {
        name
        for package in ("learning", "cohorts", "challenges", "feedback")
        for path in (ROOT / package).rglob("*.py")
        for name in re.findall(r"request\.args\.get\(\s*\"(\w+)\"", path.read_text())
    }
)

# Fields some forms draw only in some states (a checklist's step, an amount, what a kudos is
# about): every POST gets them too.
SOMETIMES = ("step", "amount", "about", "receiver", "value", "parent_id", "status", "token")
NASTY = [
    "", " ", "0", "-1", "1", "2147483647", "2147483648", "-2147483649", "9223372036854775808",
    "99999999999999999999", "1e309", "-0", "NaN", "inf", "0x1F", "１２", "1.5", "+3", "00001",
    "0001-01-01", "9999-12-31", "2026-02-30", "1969-12-31", "2026-13-01", "10000-01-01",
    "2026-12-04T25:61", "reply:99999999999999999999", "reply:-1", "thread:1", "kudos:",
    "\x00", "a\r\nBcc: x@example.org", "line\u2028break", "\x1b[31m", "\t", "\u202eevil",
    "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "%ff",
    "x" * 10_000, "😀" * 300, "ǅ" * 70, "null", "true", "[]", "{}",
]  # fmt: skip
# Raw bytes that are not UTF-8, sent as they are.
NOT_UTF8 = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"caf\xe9"]


def targets(app, clients, world):
    """(method, path, {field: offered values}, visitors) for every route: its forms as the
    pages draw them, asked by whoever was shown them, and every route of the access tables
    with its query parameters, asked by everyone."""
    adapter = app.url_map.bind("localhost")
    fields, shown = defaultdict(dict), defaultdict(set)
    for endpoint, method in TABLES:
        if method == "GET" and endpoint not in SKIPPED:
            for who, client in clients.items():
                page = client.get(world[endpoint])
                if page.mimetype == "text/html":
                    parser = Forms()
                    parser.feed(page.text)
                    for form in parser.forms:
                        key = (form["method"], urlsplit(form["action"]).path or world[endpoint])
                        shown[key].add(who)
                        for name, offered in (form["fields"] | form["submitters"]).items():
                            fields[key].setdefault(name, []).extend(offered)
                page.close()
    found = []
    for endpoint, method in sorted(TABLES):
        if endpoint in SKIPPED:
            continue
        extra = dict.fromkeys(QUERY if method == "GET" else SOMETIMES, [])
        forms = [key for key in fields if key[0] == method and _endpoint(adapter, key) == endpoint]
        for key in forms:
            names = fields[key]
            if "amount" in names:  # a check-in: a checklist's form has a step instead
                names = {"step": [], **names}
            found.append((method, key[1], {**dict.fromkeys(QUERY, []), **names}
                          if method == "GET" else names, sorted(shown[key])))  # fmt: skip
        if not forms:
            found.append((method, world[endpoint], extra, list(VISITORS)))
    return found


def _endpoint(adapter, key):
    method, path = key
    try:
        return adapter.match(path, method=method)[0]
    except Exception:  # noqa: BLE001 (a form pointing elsewhere is not this route's)
        return None


BIG = st.one_of(
    st.sampled_from(["2147483648", "99999999999999999999", "-1", "0", "9" * 400]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
STRANGE = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(NOT_UTF8),
    BIG,
    # Ids in the shapes the app reads them ("reply:40" for what a kudos is about).
    st.tuples(st.sampled_from(["reply:", "thread:", "check_in:", "kudos:", "#"]), BIG).map("".join),
    st.text(max_size=30),
)


@st.composite
def twisted(draw, offered):
    """A value the page offers with its numbers changed: "reply:40" as "reply:-1", a date's
    year as 0001 or 99999."""
    value = draw(st.sampled_from(offered))
    return re.sub(r"[0-9]+", lambda _: draw(BIG), value)


def usual(name, offered):
    """A value the page itself would send: one it offers, or a fresh once-only token."""
    if name == "token":
        return st.uuids().map(lambda u: u.hex)
    return st.sampled_from(offered) if offered else st.just("")


def strange(offered):
    """Missing, one strange value, or several values (some perhaps as the page offers)."""
    odd = st.one_of(STRANGE, twisted(offered)) if offered else STRANGE
    either = st.one_of(st.sampled_from(offered), odd) if offered else odd
    return st.one_of(odd.map(lambda v: [v]), st.just([]), st.lists(either, min_size=2, max_size=3))


@st.composite
def fields(draw, names, csrf_token):
    """The form as the page would send it, with one to three fields made strange, so each
    strange value gets past the others' checks; the CSRF token stays right, or the request
    would stop at it."""
    names = {name: offered for name, offered in names.items() if name != "csrf_token"}
    pairs = [("csrf_token", csrf_token)]
    if not names:
        return pairs
    odd = draw(st.sets(st.sampled_from(sorted(names)), min_size=1, max_size=2))
    for name, offered in names.items():
        values = draw(strange(offered)) if name in odd else [draw(usual(name, offered))]
        pairs += [(name, value) for value in values]
    return pairs


class Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(self.format(record))


@pytest.fixture
def logged_errors():
    handler = Errors()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)


@pytest.mark.timeout(900)
def test_no_input_to_any_route_makes_a_5xx_or_a_failed_job(app, demo, logged_errors):
    # An exception is answered as a 500 and logged, as in production.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    clients = sign_in_everyone(app)
    tokens = {who: client.csrf_token() for who, client in clients.items()}
    found = targets(app, clients, world_urls(app, demo))
    assert len(found) > 100  # every route, several with more than one form
    assert {"title", "body", "receiver", "step", "start"} <= {n for _, _, f, _ in found for n in f}

    def ask(method, path, names, visitors, data):
        who = data.draw(st.sampled_from(visitors), label="visitor")
        pairs = data.draw(fields(names, tokens[who]), label="fields")
        htmx = data.draw(st.booleans(), label="htmx")
        headers = {"HX-Request": "true", "HX-Request-Type": "partial"} if htmx else {}
        client = clients[who]
        if method == "GET":
            known = parse_qsl(urlsplit(path).query)
            query = urlencode(known + [p for p in pairs if p[0] != "csrf_token"])
            answer = client.get(f"{urlsplit(path).path}?{query}", headers=headers)
        else:
            answer = client.post(
                path, data=urlencode(pairs).encode(), csrf=False, headers=headers,
                content_type="application/x-www-form-urlencoded",
            )  # fmt: skip
        answer.close()
        assert answer.status_code < 500, (method, path, who, pairs)

    def fuzzer(examples):
        checks = settings(max_examples=examples, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))  # fmt: skip
        return checks(given(st.data())(ask))

    # Forms get most of the examples: their fields reach services and the database.
    on_form, bare = fuzzer(EXAMPLES), fuzzer(max(1, EXAMPLES // 4))
    for method, path, names, visitors in found:
        fuzz = on_form if len(visitors) < len(VISITORS) else bare
        fuzz(method=method, path=path, names=names, visitors=visitors)
    # What the requests asked for in the background runs without an exception.
    with app.app_context():
        for _ in range(3):
            SimpleWorker(app.config["QUEUES"], connection=worker_connection()).work(burst=True)
        failed = {
            name: FailedJobRegistry(queue=queue(name)).get_job_ids()
            for name in app.config["QUEUES"]
        }
    assert failed == {name: [] for name in app.config["QUEUES"]}
    assert logged_errors == []
