"""Demo data: a believable company of about 200 people, with five ready sign-ins."""

import datetime as dt
import random

from learning.db import atomic, utcnow
from learning.digest import services as digests
from learning.people.models import Person, PersonRole, Preferences, Role
from learning.people.services import hasher

PASSWORD = "learn-together"  # noqa: S105 (the documented demo password)
SIGN_INS = [
    ("admin@demo.test", "admin"),
    ("manager@demo.test", "L&D manager"),
    ("hr@demo.test", "HR"),
    ("member@demo.test", "member"),
    ("facilitator@demo.test", "member (facilitates a cohort)"),
]
HISTORY = dt.timedelta(weeks=6)
DEPARTMENTS = ["Engineering", "Sales", "Marketing", "Operations", "Finance", "People & Culture"]
LOCATIONS = {
    "London": "Europe/London",
    "Manchester": "Europe/London",
    "Berlin": "Europe/Berlin",
    "New York": "America/New_York",
}
FIRST = """Amara Ben Chloe Dev Elena Farid Grace Hiro Ines Jonas Kemi Liam Maya Noah Olga Priya
Quentin Rosa Sami Tara Umar Vera Wen Xavier Yara Zane Aisha Bruno Carmen Dmitri Esme Felix Gita
Hugo Ivy Jamal Keiko Luca Mina Nils""".split()
LAST = """Okafor Schmidt Patel Nguyen Garcia Müller Kowalski Rossi Haddad Johansson Mensah Tanaka
O'Brien Silva Novak Fischer Kaur Dubois Cohen Adeyemi Lindqvist Moreau Ivanova Chen""".split()
ACCOUNTS = {
    "admin@demo.test": ("Alex Admin", "People & Culture", "London", (Role.MEMBER, Role.ADMIN)),
    "manager@demo.test": (
        "Morgan Lee",
        "People & Culture",
        "London",
        (Role.MEMBER, Role.LD_MANAGER),
    ),
    "hr@demo.test": ("Harper Quinn", "People & Culture", "Berlin", (Role.MEMBER, Role.HR)),
    "member@demo.test": ("Sam Rivera", "Engineering", "Manchester", (Role.MEMBER,)),
    "facilitator@demo.test": ("Frankie Osei", "Sales", "New York", (Role.MEMBER,)),
}


def load(size=200, seed=7):
    """Create the demo company if the database has no people yet; True if it did."""
    if Person.select().exists():
        return False
    rng = random.Random(seed)
    now = utcnow()
    joined = now - HISTORY  # the sign-ins have used the platform for a while
    password_hash = hasher.hash(PASSWORD)
    names = iter(rng.sample([f"{f} {last}" for f in FIRST for last in LAST], size))

    def person(name, department, location, manager=None, email=None, signs_in=False):
        email = email or f"{name.lower().replace(' ', '.').replace(chr(39), '')}@demo.test"
        return Person.create(
            email=email,
            display_name=name,
            department=department,
            location=location,
            time_zone=LOCATIONS[location],
            manager=manager,
            password_hash=password_hash if signs_in else None,
            guidelines_accepted_at=joined if signs_in else None,
            onboarded_at=joined if signs_in else None,
        )

    with atomic():
        chief = person(next(names), "Operations", "London")
        everyone = [chief]
        heads = {}
        for department in DEPARTMENTS:
            heads[department] = person(next(names), department, rng.choice(list(LOCATIONS)), chief)
            everyone.append(heads[department])
        leads = {}
        for department in DEPARTMENTS:
            for location in LOCATIONS:
                lead = person(next(names), department, location, heads[department])
                leads[department, location] = lead
                everyone.append(lead)
        roles = []
        for email, (name, department, location, granted) in ACCOUNTS.items():
            account = person(name, department, location, leads[department, location], email, True)
            everyone.append(account)
            roles += [(account, role) for role in granted]
        while len(everyone) < size:
            department, location = rng.choice(DEPARTMENTS), rng.choice(list(LOCATIONS))
            everyone.append(person(next(names), department, location, leads[department, location]))
        granted = {p.id for p, _ in roles}
        roles += [(p, Role.MEMBER) for p in everyone if p.id not in granted]
        PersonRole.insert_many([{"person": p, "role": r} for p, r in roles]).execute()
        Preferences.insert_many([{"person": p} for p in everyone]).execute()
        # Their digest for this period goes out at the first dispatch, not a week later.
        digests.as_if_used_before([p for p in everyone if p.password_hash], now)
    return True
