"""The people list at the size of a company: fifty at a time, by name, and a search by name
or email; odd page numbers and searches land somewhere sensible."""

from learning.db import connection
from learning.people.models import Person, PersonRole, Preferences, Role


def crowd(app, count):
    with app.app_context(), connection():
        rows = [{"email": f"p{n:03}@example.com", "display_name": f"Zed {n:03}"}
                for n in range(count)]  # fmt: skip
        Person.insert_many(rows).execute()
        ids = [p.id for p in Person.select(Person.id).where(Person.email.startswith("p"))]
        PersonRole.insert_many([{"person": i, "role": Role.MEMBER} for i in ids]).execute()
        Preferences.insert_many([{"person": i} for i in ids]).execute()


def names(page):
    return [line.split("<td>")[1].split("</td>")[0] for line in page.text.splitlines()
            if line.strip().startswith("<td>Zed") or "<td>Zed" in line]  # fmt: skip


def test_people_come_fifty_at_a_time_by_name(app, admin_client):
    crowd(app, 70)
    first = admin_client.get("/people/")
    assert "People 1 to 50 of 71," in first.text
    assert 'href="/people/?page=2">Next people' in first.text
    second = admin_client.get("/people/?page=2")
    assert "People 51 to 71 of 71," in second.text  # the 70 and the admin, by name
    assert "Previous people" in second.text and "Next people" not in second.text
    assert names(second)[-1] == "Zed 069"


def test_people_are_found_by_name_or_email_and_a_miss_says_so(app, admin_client):
    crowd(app, 12)
    found = admin_client.get("/people/?find=P011@EXAMPLE")
    assert names(found) == ["Zed 011"]
    assert 'value="P011@EXAMPLE"' in found.text  # what was typed stays in the box
    tens = admin_client.get("/people/?find=zed 00")
    assert names(tens) == [f"Zed 00{n}" for n in range(10)]
    assert "People 1 to 10 of 10 whose name or email contains “zed 00”" in tens.text
    missed = admin_client.get("/people/?find=nobody<b>")
    assert "Nobody's name or email contains “nobody&lt;b&gt;”." in missed.text


def test_odd_page_numbers_show_the_first_or_an_empty_page(app, admin_client):
    crowd(app, 3)
    for odd in ("abc", "0", "-4", "99999999999999999999"):
        page = admin_client.get(f"/people/?page={odd}")
        assert page.status_code in (200, 404)
        if page.status_code == 200:
            assert "People 1 to 4 of 4," in page.text
    assert "Nobody here." in admin_client.get("/people/?page=5").text
