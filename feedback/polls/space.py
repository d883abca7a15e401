"""A poll as its card draws it, wherever it is shown (the cohort space, the cohort's polls,
the poll's own page): its results as the viewer may see them, the answer form while they may
answer, and whether they may close it."""

from feedback.polls import access, queries, services
from feedback.polls.forms import VoteForm
from learning.db import utcnow


def _results(polls, viewer, now):
    """Each poll's results as the viewer may see them; who chose what is read (one query)
    only for the named polls whose results show."""
    found = [services.results(s.poll, s.options, viewer, s.voted, now, s.chosen) for s in polls]
    names = queries.names_by_option([s for s, r in zip(polls, found, strict=True) if r.shown])
    for results in found:
        results.names = {o.id: names[o.id] for o in results.options if o.id in names}
    return found


def card(shown, viewer, form=None, now=None, results=None):
    """`results`: the poll's, if they were read already with others'."""
    found = results or _results([shown], viewer, now or utcnow())[0]
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
    now = utcnow()
    found = _results(polls, viewer, now)
    return [card(s, viewer, now=now, results=r) for s, r in zip(polls, found, strict=True)]
