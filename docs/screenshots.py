"""README's screenshots, taken from the demo by a browser: `make screenshots`.

A fresh SQLite database in a temporary folder gets the demo company; the app is served on a
loopback port, and Chromium (Debian's when installed) signs in as the demo's people and
photographs the pages README shows, at a laptop's width and, for the cohort space, a phone's.
"""

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
# (file, who signs in, how to reach the page from home, viewport width)
SHOTS = [
    ("cohort-space.png", "facilitator", ["link:Cohort"], 1280),
    ("cohort-space-phone.png", "member", ["link:Cohort"], 390),
    ("thread.png", "member", ["link:Cohort", "thread"], 1280),
    ("builder.png", "manager", ["/programs/{proposed}/builder"], 1280),
    ("hr-report.png", "hr", ["link:Reports"], 1280),
]


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def follow(page, base, step):
    """One step from the page shown to the next: a path, a link by its name, or the first
    thread of the cohort space."""
    if step.startswith("/"):
        page.goto(base + step)
    elif step == "thread":
        page.locator("ul.threads a").first.click()
    else:
        page.get_by_role("link", name=step.split(":", 1)[1]).first.click()
    page.wait_for_load_state()


def propose_cohorts():
    """A new program whose 32 participants the builder has proposed cohorts for: its id."""
    import datetime as dt

    from cohorts import forming
    from cohorts import services as cohorts
    from learning.people.models import Person

    manager = Person.get(Person.email == "manager@demo.test")
    today = dt.date.today()
    program = cohorts.save_program(
        manager, name="Negotiation lab", description="Four weeks of practice.",
        starts_on=today + dt.timedelta(days=7), ends_on=today + dt.timedelta(days=35),
        cohort_size=8, guidelines="", show_other_cohorts=True,
    )  # fmt: skip
    people = Person.select().where(Person.password_hash.is_null()).order_by(Person.id).limit(32)
    cohorts.add_participants(manager, program, list(people))
    forming.propose(manager, program, 8)
    return program.id


def main():
    folder = Path(tempfile.mkdtemp())
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder / 'demo.sqlite3'}")
    sys.path.insert(0, str(ROOT))
    from learning import demo
    from learning.cli import load_demo
    from learning.db import connection
    from learning.factory import create_app
    from learning.migrate import migrate

    app = create_app({"INSIGHTS_CACHE_SECONDS": 0, "SIGNIN_LIMIT": "1000 per minute"})
    with app.app_context():
        with connection():
            migrate()
        load_demo()
        with connection():
            proposed = propose_cohorts()
    server, base = serve(app)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        system = shutil.which("chromium")
        browser = playwright.chromium.launch(
            executable_path=system, args=["--no-sandbox", "--disable-gpu"]
        )
        for name, who, steps, width in SHOTS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{base}/sign-in")
            page.get_by_label("Email").fill(f"{who}@demo.test")
            page.get_by_label("Password").fill(demo.PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/")
            for step in steps:
                follow(page, base, step.format(proposed=proposed))
            page.screenshot(path=str(OUT / name), full_page=False)
            page.close()
            print(f"{name}: {page.url.removeprefix(base)}")
        browser.close()
    server.shutdown()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
