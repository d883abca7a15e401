"""Every page of the demo, as each of its people sees it, fits a laptop's window (1280 px) and
a phone's (390 px): nothing makes the page scroll sideways. A wide table may scroll inside
its own box; the page itself never does."""

import pytest

from learning import demo as demo_data
from tests.world import TABLES, VISITORS, world_urls

WIDTHS = {"laptop": 1280, "phone": 390}
# What a page may hold that is wider than the window, scrolling inside its own box.
OWN_SCROLL = ".table-scroll, pre"
WIDER = """() => {
  const width = document.documentElement.clientWidth;
  const scroller = document.scrollingElement;
  if (scroller.scrollWidth <= width) return [];
  return [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest(SCROLL))
    .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1))
    .slice(0, 5)
    .map((el) => {
      const right = Math.round(el.getBoundingClientRect().right);
      return `${el.tagName.toLowerCase()}.${el.className} (${right} px)`;
    });
}""".replace("SCROLL", repr(OWN_SCROLL))


def pages_for(who):
    """The GET pages the access tables say `who` may open."""
    key = {"manager": "ld_manager"}.get(who, who)
    return sorted(
        endpoint
        for (endpoint, method), answers in TABLES.items()
        if method == "GET" and answers.get(key) == 200 and endpoint not in ("static", "home.icon")
    )


@pytest.mark.timeout(600)
@pytest.mark.parametrize("device", list(WIDTHS))
def test_no_page_scrolls_sideways_for_anyone(app, demo, live_server, browser, device):
    app.config.update(SIGNIN_LIMIT="10000 per minute")
    urls = world_urls(app, demo)
    wide = {}
    for who in VISITORS[1:]:
        context = browser.new_context(viewport={"width": WIDTHS[device], "height": 900})
        page = context.new_page()
        page.goto(f"{live_server}/sign-in")
        page.get_by_label("Email").fill(f"{who}@demo.test")
        page.get_by_label("Password").fill(demo_data.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server}/")
        for endpoint in pages_for(who):
            response = page.goto(f"{live_server}{urls[endpoint]}")
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            culprits = page.evaluate(WIDER)
            if culprits:
                wide[who, endpoint] = culprits
        context.close()
    assert wide == {}
