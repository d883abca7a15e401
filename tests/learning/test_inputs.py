"""Ids and numbers from requests are read in one place, with bounds (#36): a number the
database cannot hold is refused like any other bad value, never a 500."""

import pytest

from learning.inputs import MAX_ID, number, number_or_none

HUGE = "9" * 20


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("42", 42), (" 7 ", 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None),
     (HUGE, None), ("9" * 400, None), ("-1", None), ("+3", None), ("1.5", None),
     ("１２", None), ("", None), ("0x1F", None)],
)  # fmt: skip
def test_a_whole_number_is_read_within_bounds_or_refused(text, expected):
    assert number_or_none(text) == expected
    if expected is None:
        with pytest.raises(ValueError):
            number(text)


def test_huge_numbers_in_the_issues_examples_are_refused_with_a_message(
    cohort, team, sign_in, manager_client, program
):
    client = sign_in(team[0])
    for data in (
        {"receiver": HUGE, "value": "1", "token": "a" * 32},
        {"receiver": str(team[1].id), "value": HUGE, "token": "b" * 32},
        {"receiver": str(team[1].id), "value": "1", "about": f"reply:{HUGE}", "token": "c" * 32},
    ):
        answer = client.post(f"/cohorts/{cohort.id}/kudos", data=data)
        assert answer.status_code == 422, data
    seeded = {"target": "6", "seed": "9" * 400}
    built = manager_client.post(f"/programs/{program.id}/builder", data=seeded)
    assert built.status_code == 422 and "Not a valid integer value." in built.text
