"""A deterministic bulk loader for the indicator benchmark (PostgreSQL only).

Used by bench/indicators.py when the demo generator (``load_demo``) is not
available or cannot produce the volume asked for. It writes a service of
``officers`` officers and about ``training`` training records straight into
the tables with COPY: the ORM would take hours for ten million rows, and the
benchmark measures reading, not writing. Same seed, same rows.

The shape follows the real service closely enough for the query plans to be
the real ones: 42 directly-affiliated customs, each with subordinate customs
and departments, three supervisory offices, the college; leadership teams of
five to nine at every customs; about ten training records a year per officer
over 2001-2010, one in twelve full-time; careers of a few postings; a small
reserve pool.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import sys
import time

from django.db import connection, transaction

from org.models import Unit
from org.services import unit_scope_rebuild

SEED = 20100101
FIRST_YEAR, LAST_YEAR = 2001, 2010
DIRECT_CUSTOMS = 42
SUBORDINATES_PER_CUSTOMS = 10
DEPARTMENTS_PER_UNIT = 3

TABLES = [
    "training_trainingrecord",
    "personnel_reservecadre",
    "personnel_posting",
    "personnel_leaderappraisal",
    "personnel_officer",
    "org_unitscope",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _copy(table: str, columns: list[str], lines) -> int:
    """COPY text lines ("\\t"-separated, "\\N" for NULL) into ``table``."""
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for line in lines:
                buffer.write(line)
                count += 1
                if count % 50_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}")
    return count


def _units() -> dict[str, list[int]]:
    """Create the unit tree with the ORM (a couple of thousand rows) and
    return the ids by kind."""
    K = Unit.Kind
    hq = Unit.objects.create(code="0000", name="海关总署", kind=K.HQ)
    offices = [
        Unit.objects.create(code=code, name=name, kind=K.SUPERVISORY_OFFICE, parent=hq)
        for code, name in (("9100", "广东分署"), ("9200", "天津特派办"), ("9300", "上海特派办"))
    ]
    college = Unit.objects.create(code="9800", name="海关学院", kind=K.COLLEGE, parent=hq)
    rows: list[Unit] = []
    directs = Unit.objects.bulk_create(
        Unit(
            code=f"{(n + 1) * 100 + 100:04d}",
            name=f"直属海关{n + 1}",
            kind=K.DIRECT,
            parent=hq,
            supervisory_office=offices[n % 3],
        )
        for n in range(DIRECT_CUSTOMS)
    )
    subordinates = Unit.objects.bulk_create(
        Unit(code=f"{d.code[:2]}{s + 1:02d}", name=f"{d.name}隶属海关{s + 1}", kind=K.SUBORDINATE, parent=d)
        for d in directs
        for s in range(SUBORDINATES_PER_CUSTOMS)
    )
    for parent in [hq, college, *directs, *subordinates]:
        for n in range(DEPARTMENTS_PER_UNIT):
            rows.append(
                Unit(
                    code=f"{parent.code}{n + 1:02d}", name=f"{parent.name}处室{n + 1}", kind=K.DEPARTMENT, parent=parent
                )
            )
    departments = Unit.objects.bulk_create(rows)
    unit_scope_rebuild()
    return {
        "top": [hq.pk, college.pk, *(o.pk for o in offices)],
        "team": [college.pk, *(d.pk for d in directs)],
        "subordinate": [s.pk for s in subordinates],
        "department": [d.pk for d in departments],
    }


def _officers(rng: random.Random, units: dict[str, list[int]], officers: int):
    """Officer rows, plus what the later tables need to know about each."""
    people = []
    team_units = units["team"]
    for pk in range(1, officers + 1):
        roll = rng.random()
        # Everyone at a customs' own level sits on its leadership team; the
        # rest of the service leads departments and subordinate customs.
        if pk <= len(team_units) * 7:
            unit, leader = team_units[(pk - 1) % len(team_units)], True
        elif roll < 0.62:
            unit, leader = rng.choice(units["department"]), rng.random() < 0.04
        elif roll < 0.94:
            unit, leader = rng.choice(units["subordinate"]), rng.random() < 0.06
        else:
            unit, leader = rng.choice(units["top"]), rng.random() < 0.05
        birth = _date(rng, dt.date(1948, 1, 1), dt.date(1988, 12, 31))
        if leader:
            birth = _date(rng, dt.date(1949, 1, 1), dt.date(1972, 12, 31))
        hire = min(birth.replace(year=birth.year + rng.randint(21, 28), day=min(birth.day, 28)), dt.date(2010, 12, 1))
        leave = None
        if rng.random() < 0.08:
            leave = _date(rng, max(hire, dt.date(2001, 1, 1)), dt.date(2010, 12, 31))
        if leader:
            rank = "bureau" if rng.random() < 0.2 else "division" if rng.random() < 0.8 else "section"
        else:
            rank = "section" if rng.random() < 0.35 else "clerk"
        people.append((pk, unit, leader, rank, birth, hire, leave))
    return people


def load(*, officers: int, training: int, seed: int = SEED) -> None:
    """Replace the service in the database with the generated one."""
    rng = random.Random(seed)
    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(TABLES)}, org_unit RESTART IDENTITY CASCADE")
        units = _units()
        log(f"units: {sum(len(v) for v in units.values())} ({time.monotonic() - started:.0f} s)")
        people = _officers(rng, units, officers)
        _copy(
            "personnel_officer",
            [
                "id",
                "staff_no",
                "name",
                "gender",
                "birth_date",
                "unit_id",
                "rank_level",
                "is_leader",
                "position",
                "hire_date",
                "leave_date",
            ],
            (
                f"{pk}\tB{pk:07d}\t关员{pk}\t{'MF'[pk % 2]}\t{birth}\t{unit}\t{rank}\t{'t' if leader else 'f'}\t"
                f"{'领导' if leader else '科员'}\t{hire}\t{leave or chr(92) + 'N'}\n"
                for pk, unit, leader, rank, birth, hire, leave in people
            ),
        )
        log(f"officers: {len(people)} ({time.monotonic() - started:.0f} s)")
        per_year = training / sum(last - first + 1 for first, last in map(_training_years, people))
        _copy(
            "training_trainingrecord",
            ["officer_id", "course", "start_date", "end_date", "days", "mode"],
            _training_lines(random.Random(seed + 1), people, per_year),
        )
        log(f"training: done ({time.monotonic() - started:.0f} s)")
        _copy(
            "personnel_posting",
            ["officer_id", "unit_id", "position", "start_date", "end_date", "leadership", "grassroots", "post_risk"],
            _posting_lines(random.Random(seed + 2), people, units),
        )
        _copy(
            "personnel_reservecadre",
            ["officer_id", "level", "added_date", "removed_date"],
            _reserve_lines(random.Random(seed + 3), people),
        )
        log(f"postings and reserve pool: done ({time.monotonic() - started:.0f} s)")
    with connection.cursor() as cursor:
        for table in ["org_unit", *TABLES]:
            cursor.execute(f"VACUUM ANALYZE {table}")
    log(f"loaded and analysed in {time.monotonic() - started:.0f} s")


def _training_years(person) -> tuple[int, int]:
    _pk, _unit, _leader, _rank, _birth, hire, leave = person
    return max(FIRST_YEAR, hire.year), min(LAST_YEAR, leave.year if leave else LAST_YEAR)


def _training_lines(rng: random.Random, people, per_year: float):
    short = [0.5, 0.5, 1, 1, 1, 1.5, 2, 2, 3]
    long = [5, 10, 15, 20, 30, 45, 60]
    for person in people:
        pk, leader = person[0], person[2]
        first, last = _training_years(person)
        course = 0
        for year in range(first, last + 1):
            # Spread the count so that some officers fall short of twelve days.
            n = max(0, int(per_year + rng.uniform(-per_year * 0.6, per_year * 0.6) + 0.5))
            for _ in range(n):
                course += 1
                full_time = rng.random() < (0.06 if leader else 0.03)
                days = rng.choice(long) if full_time else rng.choice(short)
                start = _date(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
                end = start + dt.timedelta(days=math.ceil(days) - 1)
                mode = "full_time" if full_time else ("online" if rng.random() < 0.3 else "in_service")
                yield f"{pk}\tC{course:04d}\t{start}\t{end}\t{days}\t{mode}\n"


def _posting_lines(rng: random.Random, people, units):
    for pk, unit, leader, _rank, _birth, hire, _leave in people:
        start = hire
        posts = rng.randint(1, 5)
        for n in range(posts):
            last = n == posts - 1
            end = None if last else start + dt.timedelta(days=rng.randint(300, 2500))
            at = unit if last else rng.choice(units["subordinate"] + units["department"])
            leadership = (leader and (last or rng.random() < 0.5)) or rng.random() < 0.05
            grassroots = rng.random() < 0.4
            risk = rng.choice(["low", "low", "medium", "high"])
            yield (
                f"{pk}\t{at}\t岗位{n + 1}\t{start}\t{end or chr(92) + 'N'}\t"
                f"{'t' if leadership else 'f'}\t{'t' if grassroots else 'f'}\t{risk}\n"
            )
            if end is None:
                break
            start = end + dt.timedelta(days=1)


def _reserve_lines(rng: random.Random, people):
    for pk, _unit, _leader, rank, _birth, _hire, _leave in people:
        if rank in ("division", "bureau") and rng.random() < 0.3:
            level = "bureau" if rank == "division" or rng.random() < 0.5 else "division"
            added = _date(rng, dt.date(2003, 1, 1), dt.date(2010, 6, 30))
            removed = None
            if rng.random() < 0.3:
                removed = _date(rng, added, dt.date(2011, 12, 31))
            yield f"{pk}\t{level}\t{added}\t{removed or chr(92) + 'N'}\n"
