"""Searching threads: every word, only your cohorts, kept up to date; bad input explained."""

from feedback.models import Thread

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def post(client, cohort, title, body):
    client.post(
        f"/cohorts/{cohort.id}/threads/new", data={"kind": "question", "title": title, "body": body}
    )
    return Thread.get(Thread.title == title)


def test_search_finds_words_in_titles_and_bodies_of_my_cohorts_only(
    cohort, team, sign_in, make_person, form_cohorts
):
    me = sign_in(team[0])
    post(me, cohort, "Running better retrospectives", "Try a timeline exercise")
    post(me, cohort, "Coaching questions", "Which retrospectives questions work?")
    outsiders = [make_person(time_zone="Asia/Tokyo") for _ in range(5)]
    [theirs] = [c for c in form_cohorts(outsiders) if c.id != cohort.id]
    post(sign_in(outsiders[0]), theirs, "Secret retrospectives", "Not for you")

    page = me.get("/search?q=retrospectives").text
    assert "2 threads found" in page and "Secret" not in page
    assert "1 thread found" in me.get("/search?q=timeline+exercise").text
    assert "0 threads found" in me.get("/search?q=timeline+coaching").text
    fragment = me.get("/search?q=coaching", headers=HTMX)
    assert "<html" not in fragment.text and "Coaching questions" in fragment.text


def test_edits_and_removals_keep_the_index_true(cohort, team, sign_in):
    me = sign_in(team[0])
    thread = post(me, cohort, "Budget template", "Spreadsheet")
    me.post(
        f"/threads/{thread.id}/edit", data={"title": "Forecast template", "body": "Spreadsheet"}
    )
    assert "0 threads found" in me.get("/search?q=budget").text
    assert "1 thread found" in me.get("/search?q=forecast").text
    me.post(f"/threads/{thread.id}/remove")
    assert "0 threads found" in me.get("/search?q=forecast").text


def test_search_syntax_in_the_query_is_just_words(cohort, team, sign_in):
    me = sign_in(team[0])
    post(me, cohort, "Quotes and stars", "a body")
    response = me.get('/search?q="quotes" * (stars" AND')
    assert response.status_code == 200 and "1 thread found" in response.text


def test_empty_and_over_long_queries_are_explained_and_kept(cohort, team, sign_in):
    me = sign_in(team[0])
    empty = me.get("/search?q=%20%20")
    assert empty.status_code == 422 and "Type a word or two" in empty.text
    long = me.get("/search?q=" + "a" * 201)
    assert long.status_code == 422 and "at most 200 characters" in long.text
    assert 'value="' + "a" * 201 + '"' in long.text
    assert me.get("/search").status_code == 200
