"""The same journeys in Polish: browsers that ask for Polish (`Accept-Language: pl-PL`) get
every page in Polish, and people find everything by its Polish name."""

import datetime

from playwright.sync_api import expect

from tests.conftest import PASSWORD

POLISH = {"locale": "pl-PL", "timezone_id": "Europe/Warsaw"}


def sign_in_in_polish(page, base, email):
    page.goto(f"{base}/sign-in")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()


def test_a_member_starts_a_thread_and_a_colleague_answers_in_polish(
    live_server, cohort, team, browser, check_accessibility
):
    author, colleague = team[0], team[1]
    page = browser.new_context(**POLISH).new_page()
    sign_in_in_polish(page, live_server, author.email)
    page.get_by_role("link", name=cohort.name).click()
    expect(page.get_by_role("heading", name="Co się dzieje")).to_be_visible()
    page.get_by_role("link", name="Zacznij wątek").first.click()
    page.get_by_label("Pytanie").check()
    # What is left out is said in Polish, beside its field, and what was typed stays.
    page.get_by_label("Tytuł").fill("Jak prowadzić retrospektywę?")
    page.get_by_role("button", name="Zacznij wątek").click()
    expect(page.get_by_text("Napisz kilka słów, żeby inni wiedzieli, jak pomóc.")).to_be_visible()
    expect(page.get_by_label("Tytuł")).to_have_value("Jak prowadzić retrospektywę?")
    page.get_by_label("Co chcesz napisać?").fill("Szukam sprawdzonego formatu na piątek.")
    page.get_by_role("button", name="Zacznij wątek").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jak prowadzić retrospektywę?")
    expect(
        page.get_by_text("Nie ma jeszcze odpowiedzi. Odpowiedz jako pierwsza osoba.")
    ).to_be_visible()
    check_accessibility(page)

    other = browser.new_context(**POLISH).new_page()
    sign_in_in_polish(other, live_server, colleague.email)
    other.get_by_role("link", name=cohort.name).click()
    other.get_by_role("link", name="Jak prowadzić retrospektywę?").first.click()
    other.get_by_label("Twoja odpowiedź").fill("Spróbuj formatu „start, stop, kontynuuj”.")
    other.get_by_role("button", name="Opublikuj odpowiedź").click()
    reply = other.get_by_role("article", name=colleague.display_name)
    expect(reply).to_contain_text("Spróbuj formatu")
    # A time just past reads as Polish relative time, the exact one on hover.
    expect(reply.locator("time")).to_contain_text("temu")

    page.goto(f"{live_server}/cohorts/{cohort.id}")
    expect(page.get_by_text("1 odpowiedź")).to_be_visible()


def test_an_ld_manager_sets_up_a_program_in_polish(live_server, manager, browser):
    page = browser.new_context(**POLISH).new_page()
    sign_in_in_polish(page, live_server, manager.email)
    page.get_by_role("link", name="Programy").click()
    page.get_by_role("link", name="Nowy program").click()
    today = datetime.date.today()
    page.get_by_label("Nazwa").fill("Przywództwo w praktyce")
    page.get_by_label("Początek").fill(today.isoformat())
    page.get_by_label("Koniec").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Utwórz program").click()
    expect(
        page.get_by_text("Data końca nie może być wcześniejsza niż data początku.")
    ).to_be_visible()
    expect(page.get_by_label("Nazwa")).to_have_value("Przywództwo w praktyce")
    # The suggested guidelines come in the company's language and in Polish, side by side.
    expect(page.get_by_label("Zasady społeczności (English)")).to_contain_text("Be generous")
    expect(page.get_by_label("Zasady społeczności (Polski)")).to_contain_text("Dziel się")
    page.get_by_label("Koniec").fill((today + datetime.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Utwórz program").click()
    expect(
        page.get_by_text("Program Przywództwo w praktyce utworzony.", exact=False)
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Przywództwo w praktyce")
    expect(page.get_by_text("Nikt nie czeka na grupę.")).to_be_visible()
