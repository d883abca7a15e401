"""Demo polls: in every published cohort its facilitator asks which day suits the next
session (a named poll) and takes a pulse (anonymous); some members have answered, the demo
member not yet."""

from cohorts.models import Cohort, Membership
from feedback.polls import services
from feedback.polls.models import Poll, PollOption
from learning.people.models import Person

DAYS = ["Tuesday", "Wednesday", "Thursday"]


def load():
    if Poll.select().exists():
        return False
    member = Person.get_or_none(Person.email == "member@demo.test")
    for cohort in Cohort.select().where(Cohort.status == "published").order_by(Cohort.id):
        places = list(
            Membership.select().where(Membership.cohort == cohort).order_by(Membership.id)
        )
        lead = next((m.person for m in places if m.role == "facilitator"), None)
        others = [m.person for m in places if m.role != "facilitator" and m.person != member]
        if lead is None or len(others) < 3:
            continue
        day = services.start_poll(cohort, lead, "Which day suits our next session?", DAYS)
        pulse = services.start_poll(cohort, lead, "How confident do you feel giving feedback now?",
                                    scale=True, anonymous=True)  # fmt: skip
        for n, person in enumerate(others[:3]):
            services.vote(person, day, [_option(day, DAYS[n % 2])])
            services.vote(person, pulse, [_option(pulse, str(3 + n % 3))])
    return True


def _option(poll, label):
    return PollOption.get(PollOption.poll == poll, PollOption.label == label).id
