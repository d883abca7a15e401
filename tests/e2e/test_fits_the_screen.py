"""Every page of the demo, as each of its people sees it, fits a laptop's window (1280 px) and
a phone's (390 px): nothing makes the page scroll sideways. A wide table may scroll inside
its own box; the page itself never does."""

import datetime as dt

import pytest

from cohorts import forming
from cohorts import services as cohorts
from learning import demo as demo_data
from learning.db import connection
from learning.people.models import Person
from tests.cohorts.test_imports import BAD, upload
from tests.world import TABLES, VISITORS, sign_in_everyone, world_urls

WIDTHS = {"laptop": 1280, "phone": 390}
# The page's width when it scrolls sideways, and the deepest elements past the window's edge.
WIDER = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = document.scrollingElement.scrollWidth;
  if (scrolls <= width) return [];
  const past = [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1))
    .slice(0, 5)
    .map((el) => {
      const right = Math.round(el.getBoundingClientRect().right);
      return `${el.tagName.toLowerCase()}.${el.className} (${right} px)`;
    });
  return [`the page is ${scrolls} px wide`, ...past];
}"""


# Not pages: a file, the icon, a page's event stream, files to download.
NOT_PAGES = ("static", "home.icon", "live.stream", "meetings.download", "chat.manifest")


def pages_for(who):
    """The GET pages the access tables say `who` may open."""
    key = {"manager": "ld_manager"}.get(who, who)
    return sorted(
        endpoint
        for (endpoint, method), answers in TABLES.items()
        if method == "GET" and answers.get(key) == 200 and endpoint not in NOT_PAGES
    )


def wide_states(app):
    """{visitor: [paths]} of states the demo does not hold, where tables are widest: an
    import's preview with its problems, and the builder's proposed cohorts."""
    with app.app_context(), connection():
        manager = Person.get(Person.email == "manager@demo.test")
        program = cohorts.save_program(
            manager, name="A program with a long name, to see how wide things get",
            description="", starts_on=dt.date.today(), ends_on=dt.date.today() + dt.timedelta(60),
            cohort_size=6, guidelines="", show_other_cohorts=True,
        )  # fmt: skip
        people = list(Person.select().where(Person.password_hash.is_null()).limit(12))
        cohorts.add_participants(manager, program, people)
        forming.propose(manager, program, 6)
    uploaded = upload(sign_in_everyone(app)["manager"], program, BAD).headers["Location"]
    return {"manager": [f"/programs/{program.id}/builder", uploaded]}


@pytest.mark.timeout(600)
@pytest.mark.parametrize("device", list(WIDTHS))
def test_no_page_scrolls_sideways_for_anyone(app, demo, live_server, browser, device):
    app.config.update(SIGNIN_LIMIT="10000 per minute")
    urls = world_urls(app, demo)
    more = wide_states(app)
    wide = {}
    for who in VISITORS[1:]:
        context = browser.new_context(viewport={"width": WIDTHS[device], "height": 900})
        page = context.new_page()
        page.goto(f"{live_server}/sign-in")
        page.get_by_label("Email").fill(f"{who}@demo.test")
        page.get_by_label("Password").fill(demo_data.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server}/")
        for endpoint in [*pages_for(who), *more.get(who, [])]:
            response = page.goto(f"{live_server}{urls.get(endpoint, endpoint)}")
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            culprits = page.evaluate(WIDER)
            if culprits:
                wide[who, endpoint] = culprits
        context.close()
    assert wide == {}, "\n".join(f"{who} {page}: {found}" for (who, page), found in wide.items())
