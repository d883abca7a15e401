"""A poll as its card draws it, wherever it is shown (the cohort space, the cohort's polls,
the poll's own page): its results as the viewer may see them, the answer form while they may
answer, and whether they may close it."""

from feedback.polls import access, queries, services
from feedback.polls.forms import VoteForm
from learning.db import utcnow


def card(shown, viewer, form=None, now=None, names=None):
    """`names`: who chose what in named polls, if they were read already for several."""
    if names is None:
        names = queries.names_by_option([shown])
    found = services.results(shown.poll, shown.options, viewer, shown.voted, now or utcnow(),
                             shown.chosen, names)  # fmt: skip
    answering = not found.closed and not (shown.voted and shown.poll.anonymous)
    if answering and form is None:
        form = VoteForm(formdata=None)
        form.offer(shown)
    return {
        "shown": shown,
        "results": found,
        "form": form if answering else None,
        # Why an answer was refused when the form is no longer shown (the poll closed).
        "refused": form.choice.errors if form is not None and not answering else [],
        "can_close": not found.closed and access.can_close(viewer, shown.poll),
        "can_stop": shown.poll.repeats and access.can_repeat(viewer, shown.poll.cohort),
    }


def cards(polls, viewer):
    """Each poll's card, in a fixed number of queries whatever the number of polls."""
    now, names = utcnow(), queries.names_by_option(polls)
    return [card(shown, viewer, now=now, names=names) for shown in polls]
