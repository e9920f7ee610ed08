"""What each persona of tests/personnel/conftest.py may see and change,
written out by hand from shared/spec/access.md and the test tree.

Records are named by the code of the unit they belong to (see the conftest):
the unit itself, the officer's current unit, or the unit that held the
political-work activity.
"""

from org.models import Unit
from personnel.models import LeaderAppraisal, Officer, Posting, ReserveCadre
from training.models import PoliticalWork, TrainingRecord

KINDS = {
    "unit": Unit,
    "officer": Officer,
    "posting": Posting,
    "reservecadre": ReserveCadre,
    "leaderappraisal": LeaderAppraisal,
    "trainingrecord": TrainingRecord,
    "politicalwork": PoliticalWork,
}
CAREER_KINDS = ("posting", "reservecadre", "leaderappraisal", "trainingrecord")


def key(kind, obj) -> str:
    """The unit code a record is named by in the expectations."""
    if kind == "unit":
        return obj.code
    if kind == "officer":
        return obj.staff_no[1:]
    if kind == "politicalwork":
        return obj.title[1:]
    return obj.officer.staff_no[1:]


NONE = frozenset()
ALL_UNITS = frozenset({"0000", "9100", "9200", "5100", "5101", "5102", "5200", "5201", "0200"})
ALL_PEOPLE = frozenset({"5100", "5101", "5102", "5200", "5201", "0200"})
# A grant on 5100 covers its subtree; every unit there holds one officer.
AT_5100 = frozenset({"5100", "5101", "5102"})
# A grant on the supervisory office 9100 covers itself (no officers there)
# and the subtrees of 5100 and 5200, which it supervises.
AT_9100_UNITS = frozenset({"9100", "5100", "5101", "5102", "5200", "5201"})
AT_9100_PEOPLE = frozenset({"5100", "5101", "5102", "5200", "5201"})


def _everything(units, people):
    return {
        "unit": units,
        "officer": people,
        "posting": people,
        "reservecadre": people,
        "leaderappraisal": people,
        "trainingrecord": people,
        "politicalwork": units,
    }


def _profiles_only(units, people):
    return {
        "unit": units,
        "officer": people,
        "posting": NONE,
        "reservecadre": NONE,
        "leaderappraisal": NONE,
        "trainingrecord": NONE,
        "politicalwork": NONE,
    }


NOTHING = _everything(NONE, NONE)

READ = {
    "hr@5100": _everything(AT_5100, AT_5100),
    "hr@9100": _everything(AT_9100_UNITS, AT_9100_PEOPLE),
    "supervision@5100": _profiles_only(AT_5100, AT_5100),
    "supervision@9100": _profiles_only(AT_9100_UNITS, AT_9100_PEOPLE),
    "audit@5100": _profiles_only(AT_5100, AT_5100),
    "audit@9100": _profiles_only(AT_9100_UNITS, AT_9100_PEOPLE),
    "leadership@5100": _everything(AT_5100, AT_5100),
    "leadership@9100": _everything(AT_9100_UNITS, AT_9100_PEOPLE),
    "leadership@0000": _everything(ALL_UNITS, ALL_PEOPLE),
    # Own profile, postings, training and leader appraisals; not the reserve
    # list, which access.md does not give to the officer.
    "officer-self": {
        "unit": NONE,
        "officer": {"5201"},
        "posting": {"5201"},
        "reservecadre": NONE,
        "leaderappraisal": {"5201"},
        "trainingrecord": {"5201"},
        "politicalwork": NONE,
    },
    "no grant": NOTHING,
    "superuser": _everything(ALL_UNITS, ALL_PEOPLE),
}

WRITE = {name: NOTHING for name in READ}
WRITE["hr@5100"] = READ["hr@5100"]
WRITE["hr@9100"] = READ["hr@9100"]
WRITE["superuser"] = READ["superuser"]

PERSONAS = tuple(READ)
