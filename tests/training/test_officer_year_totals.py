"""Officer-year training totals (training/totals.py) follow every write path
of training records, and the indicators that read them count exactly what
the records say.

At every step the totals equal the values worked out by hand, the records
added up in Python (exact decimals) and a plain ORM aggregate over the
records; the indicators' figures equal the hand values at national scope and
the records counted in Python for every unit as a root.

Year 2009 unless said; ann and ben are at Huangpu (5101 and its department
5102), cai at Tianjin (0200), dai, a division-level leader, at Huanggang
(5201). All hired 2000-07-01.
"""

import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear

from core import indicators as engine
from core.indicators import CUSTOMS_KINDS
from org.models import Unit, UnitScope
from personnel.models import Officer
from tests.factories import OfficerFactory
from tests.personnel.import_support import headers_of, import_rows, problems
from training.models import OfficerYearTraining, TrainingRecord
from training.services import training_record_create

pytestmark = pytest.mark.django_db

D = dt.date
FULL, IN_SERVICE, ONLINE = TrainingRecord.Mode.FULL_TIME, TrainingRecord.Mode.IN_SERVICE, TrainingRecord.Mode.ONLINE
YEARS = range(2004, 2011)


def record(officer, start, days, mode=IN_SERVICE, course=None) -> TrainingRecord:
    days = Decimal(str(days))
    return TrainingRecord(
        officer=officer,
        course=course or f"课程{start}{days}",
        start_date=start,
        end_date=start + dt.timedelta(days=math.ceil(days) - 1),
        days=days,
        mode=mode,
    )


def totals() -> dict:
    rows = OfficerYearTraining.objects.values_list("officer_id", "year", "records", "tenths", "fulltime_tenths")
    return {(officer, year): (n, tenths, full) for officer, year, n, tenths, full in rows}


def added_up_in_python() -> dict:
    out = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for officer, start, days, mode in TrainingRecord.objects.values_list("officer_id", "start_date", "days", "mode"):
        row = out[officer, start.year]
        row[0] += 1
        row[1] += days
        row[2] += days if mode == FULL else 0
    return {key: (n, int(days * 10), int(full * 10)) for key, (n, days, full) in out.items()}


def tenths(days) -> int:
    return int((Decimal(days or 0) * 10).to_integral_value())


def aggregated() -> dict:
    rows = (
        TrainingRecord.objects.order_by()
        .values("officer", year=ExtractYear("start_date"))
        .annotate(n=Count("pk"), total=Sum("days"), full=Sum("days", filter=Q(mode=FULL)))
    )
    return {(r["officer"], r["year"]): (r["n"], tenths(r["total"]), tenths(r["full"])) for r in rows}


def assert_totals(people, expected: dict):
    """``expected``: {(name, year): (records, tenths, full-time tenths)}."""
    by_id = {(people[name].pk, year): value for (name, year), value in expected.items()}
    assert totals() == by_id
    assert added_up_in_python() == by_id
    assert aggregated() == by_id


def counted(key, year=2009, root=None) -> tuple[int, int]:
    root = root or engine.national_root()
    return engine.get(key).counts(year=year, roots=Unit.objects.filter(pk=root.pk)).get(root.pk, (0, 0))


def figures(key, year=2009) -> dict:
    members = engine.get(key).members(year=year, root=engine.national_root())
    return {row["name"]: (row["figure"], bool(row["meets"])) for row in members.values("name", "figure", "meets")}


def days_in_python(officer, first: int, last: int, full_time_only=False) -> Decimal:
    records = TrainingRecord.objects.filter(officer=officer, start_date__year__gte=first, start_date__year__lte=last)
    if full_time_only:
        records = records.filter(mode=FULL)
    return sum((r.days for r in records), Decimal(0))


def assert_indicators_count_the_records():
    """For every unit as a root and every year: the training indicators and
    information coverage's training area equal the records counted in
    Python."""
    days_12, leaders = engine.get("training_days_12"), engine.get("leader_fulltime_training_5y")
    units = list(Unit.objects.all())
    for year in YEARS:
        for indicator, first, full_time_only, minimum in (
            (days_12, year, False, 12),
            (leaders, year - 4, True, 90),
        ):
            expected = defaultdict(lambda: (0, 0))
            for officer in indicator._denominator(year):
                meets = days_in_python(officer, first, year, full_time_only) >= minimum
                for root in UnitScope.objects.filter(unit=officer.unit_id).values_list("root", flat=True):
                    num, den = expected[root]
                    expected[root] = (num + meets, den + 1)
            assert indicator.counts(year=year, roots=Unit.objects.all()) == expected, (indicator.key, year)
            # The drill-down's figures, for every officer counted nationally.
            for officer in indicator.members(year=year, root=engine.national_root()):
                assert officer.figure == days_in_python(officer, first, year, full_time_only), (officer, year)
        coverage = engine.get("information_coverage")
        for unit in units:
            if unit.kind not in CUSTOMS_KINDS:
                continue
            row = coverage.members(year=year, root=unit).values("covers_training").get(pk=unit.pk)
            has_records = TrainingRecord.objects.filter(
                start_date__year=year, officer__unit__scope_roots__root=unit
            ).exists()
            assert row["covers_training"] == has_records, (unit.code, year)


@pytest.fixture
def people(tree):
    return {
        "ann": OfficerFactory(unit=tree["5101"], name="ann"),
        "ben": OfficerFactory(unit=tree["5102"], name="ben"),
        "cai": OfficerFactory(unit=tree["0200"], name="cai"),
        "dai": OfficerFactory(unit=tree["5201"], name="dai", is_leader=True, rank_level=Officer.RankLevel.DIVISION),
    }


def test_the_totals_follow_every_write_and_the_indicators_read_them(tree, people, alice):
    ann, ben, cai, dai = (people[n] for n in ("ann", "ben", "cai", "dai"))

    # 1. A service, single saves, a course over New Year.
    training_record_create(
        officer=ann,
        course="报关业务",
        start_date=D(2009, 3, 2),
        end_date=D(2009, 3, 13),
        days=Decimal("11.5"),
        mode=IN_SERVICE,
        acting_user=alice,
    )
    half_day = record(ann, D(2009, 6, 1), "0.5", ONLINE)
    half_day.save()
    # 2009-12-28 .. 2010-01-05: the start date puts all nine days in 2009.
    new_year = record(ann, D(2009, 12, 28), 9, FULL)
    new_year.save()
    bens = record(ben, D(2010, 1, 4), 3)
    bens.save()
    for start, days, mode in (
        (D(2004, 6, 1), "30", FULL),  # before dai's five-year window of 2009
        (D(2005, 5, 1), "44.5", FULL),
        (D(2009, 2, 1), "45.5", FULL),
        (D(2009, 3, 1), "2", IN_SERVICE),
    ):
        record(dai, start, days, mode).save()
    assert_totals(
        people,
        {
            ("ann", 2009): (3, 210, 90),
            ("ben", 2010): (1, 30, 0),
            ("dai", 2004): (1, 300, 300),
            ("dai", 2005): (1, 445, 445),
            ("dai", 2009): (2, 475, 455),
        },
    )
    # ann 21 days, dai 47.5; ben and cai none. dai: 44.5 + 45.5 = 90 full-time days in 2005-2009.
    assert counted("training_days_12") == (2, 4)
    assert counted("leader_fulltime_training_5y") == (1, 1)
    assert figures("leader_fulltime_training_5y") == {"dai": (Decimal("90"), True)}
    assert counted("leader_fulltime_training_5y", 2010) == (0, 1)  # 2006-2010: 45.5
    assert_indicators_count_the_records()

    # 2. A queryset update gives the New Year course to ben.
    TrainingRecord.objects.filter(pk=new_year.pk).update(officer=ben)
    assert_totals(
        people,
        {
            ("ann", 2009): (2, 120, 0),
            ("ben", 2009): (1, 90, 90),
            ("ben", 2010): (1, 30, 0),
            ("dai", 2004): (1, 300, 300),
            ("dai", 2005): (1, 445, 445),
            ("dai", 2009): (2, 475, 455),
        },
    )
    # 11.5 + 0.5: ann has exactly twelve days.
    assert figures("training_days_12") == {
        "ann": (Decimal("12"), True),
        "ben": (Decimal("9"), False),
        "cai": (Decimal("0"), False),
        "dai": (Decimal("47.5"), True),
    }

    # 3. A queryset update moves the half day into 2010.
    TrainingRecord.objects.filter(pk=half_day.pk).update(start_date=D(2010, 2, 1), end_date=D(2010, 2, 1))
    expected = {
        ("ann", 2009): (1, 115, 0),
        ("ann", 2010): (1, 5, 0),
        ("ben", 2009): (1, 90, 90),
        ("ben", 2010): (1, 30, 0),
        ("dai", 2004): (1, 300, 300),
        ("dai", 2005): (1, 445, 445),
        ("dai", 2009): (2, 475, 455),
    }
    assert_totals(people, expected)
    assert counted("training_days_12") == (1, 4)
    assert figures("training_days_12")["ann"] == (Decimal("11.5"), False)

    # 4. A queryset update of the days of all of ann's records: 12 and 1.
    TrainingRecord.objects.filter(officer=ann).update(days=F("days") + Decimal("0.5"))
    expected |= {("ann", 2009): (1, 120, 0), ("ann", 2010): (1, 10, 0)}
    assert_totals(people, expected)
    assert counted("training_days_12") == (2, 4)

    # 5. A save that changes the mode only; one that changes nothing counted.
    course = TrainingRecord.objects.get(officer=ann, start_date__year=2009)
    course.mode = FULL
    course.save()
    course.course = "报关业务（脱产）"
    course.save()
    expected[("ann", 2009)] = (1, 120, 120)
    assert_totals(people, expected)

    # 6. Deletes: an instance, a queryset. A total that falls to zero goes.
    bens.delete()
    TrainingRecord.objects.filter(officer=dai, start_date__year=2004).delete()
    del expected[("ben", 2010)], expected[("dai", 2004)]
    assert_totals(people, expected)
    assert counted("leader_fulltime_training_5y") == (1, 1)

    # 7. bulk_create: 4.1 + 4.1 + 3.8, which floats do not add up to 12.
    TrainingRecord.objects.bulk_create(
        [record(cai, D(2009, 4, 1), "4.1"), record(cai, D(2009, 5, 1), "4.1"), record(cai, D(2009, 9, 1), "3.8")]
    )
    expected[("cai", 2009)] = (3, 120, 0)
    assert_totals(people, expected)
    assert counted("training_days_12") == (3, 4)
    assert figures("training_days_12")["cai"] == (Decimal("12"), True)
    assert_indicators_count_the_records()

    # 8. Raw SQL: an insert, an update of days and mode, a delete.
    table = TrainingRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (officer_id, course, start_date, end_date, days, mode) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [ben.pk, "SQL", D(2009, 7, 1), D(2009, 7, 3), Decimal("3"), IN_SERVICE],
        )
        cursor.execute(f"UPDATE {table} SET days = %s, mode = %s WHERE course = %s", [Decimal("2.5"), FULL, "SQL"])
        cursor.execute(f"DELETE FROM {table} WHERE officer_id = %s AND days = %s", [cai.pk, Decimal("3.8")])
    expected |= {("ben", 2009): (2, 115, 115), ("cai", 2009): (2, 82, 0)}
    assert_totals(people, expected)
    assert counted("training_days_12") == (2, 4)

    # 9. ann moves from Huangpu to Tianjin: her totals stay hers, and count
    # where she is now.
    assert counted("training_days_12", root=tree["5100"]) == (1, 2)
    assert counted("training_days_12", root=tree["0200"]) == (0, 1)
    Officer.objects.filter(pk=ann.pk).update(unit=tree["0200"])
    assert_totals(people, expected)
    assert counted("training_days_12", root=tree["5100"]) == (0, 1)
    assert counted("training_days_12", root=tree["0200"]) == (1, 2)
    assert_indicators_count_the_records()

    # 10. The import engine's bulk write.
    row = {"staff_no": ben.staff_no, "course": "岗位练兵", "start_date": "2009-10-12"}
    row |= {"end_date": "2009-10-21", "days": "9.5", "mode": "in_service"}
    assert problems(import_rows("training", alice, headers_of("training"), [row])) == []
    expected[("ben", 2009)] = (3, 210, 115)
    assert_totals(people, expected)
    assert counted("training_days_12") == (3, 4)

    # 11. An officer deleted with their records leaves no totals behind.
    cai.delete()
    del people["cai"], expected[("cai", 2009)]
    assert_totals(people, expected)
    connection.check_constraints()
    assert counted("training_days_12") == (3, 3)
    assert_indicators_count_the_records()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncating_the_records_empties_the_totals(people):
    TrainingRecord.objects.bulk_create(
        [record(people["ann"], D(2009, 3, 2), 5), record(people["ben"], D(2008, 3, 2), 1)]
    )
    assert len(totals()) == 2
    connection.check_constraints()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TrainingRecord._meta.db_table}")
    assert totals() == {}
    record(people["ann"], D(2009, 3, 2), 5).save()
    assert_totals(people, {("ann", 2009): (1, 50, 0)})


def test_the_migration_fills_the_totals_from_the_records_there(people):
    """What the data migration runs (training/totals.py::fill_sql), on
    records written while the totals were empty."""
    from training.totals import TABLE, fill_sql

    TrainingRecord.objects.bulk_create(
        [
            record(people["ann"], D(2009, 3, 2), "11.5"),
            record(people["ann"], D(2009, 12, 30), "0.5", FULL),
            record(people["ann"], D(2010, 1, 4), 3, FULL),
            record(people["dai"], D(2005, 5, 1), "44.5", FULL),
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(fill_sql(connection.vendor))
    assert_totals(
        people,
        {("ann", 2009): (2, 120, 5), ("ann", 2010): (1, 30, 30), ("dai", 2005): (1, 445, 445)},
    )
