"""Browser fixtures: Debian's Chromium when present, the app served from a thread."""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

# Without these, Chromium reaches for Google's services, which this network refuses.
QUIET = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args, "args": QUIET}
    system = shutil.which("chromium")
    if system:
        args["executable_path"] = system
    return args


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def check_accessibility(axe):
    """Assert axe finds no serious or critical violation on the current page."""

    def check(page):
        page.wait_for_load_state()  # a page that is still arriving has no document to check
        results = axe.run(page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{page.url}: {serious}"

    return check


def watch_csp(page):
    """Collect the page's Content-Security-Policy violations (Chromium reports each one on
    the console), across navigations; returns the list it fills."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused
