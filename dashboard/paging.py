"""Paging a drill-down by keyset: page N costs what page 1 costs.

A drill-down lists the members behind a figure -- up to every officer of
the service -- each with a figure computed for them (a correlated subquery:
their training days in the year, ...). Paged by OFFSET, page N computes and
sorts the figure of every member before it returns fifty (the sort spilled
to disk at the national scope). Here a page starts after (or ends before)
a row named in the link, the *cursor*: the page is the rows that come after
the cursor's sort values, fifty of them, and the database stops once it has
them.

The default order is "short of the target first, then by the natural key
(staff number, unit code)". "Met or not" is a computed boolean no index
holds, so the list is read as two *segments*: the members short of the
target, then those that meet it, each in the order of the natural key --
which the officer's unique staff-number index serves. A segment query walks
that index from the cursor, computes each member's figure, keeps those of
its segment, and stops after fifty-one: the cost follows the page size (and
how rare the segment's members are), not the page number. A page crossing
from one segment to the next asks both. A list of at most
``SEGMENTS_FROM`` members (a customs, a team) is read in one query ordered
by every key instead: computing a thousand figures costs less than the
second query.

Any other sort (by a figure, a name) orders by values no index holds: the
page computes every member's figure and keeps the top fifty after the
cursor, so page N still costs what page 1 costs.

A row whose ``meets`` is NULL (a figure that could not be worked out) is
listed with those short of the target, as its mark says.

An address with ``page=N`` and no cursor (typed by hand, or an old link) is
answered by OFFSET as before: the same order, the same rows.

The count beside the list is exact when it needs no figure (every member,
or a search by name or number: the figures are left out of the COUNT).
"Only those short of the target" needs every member's figure to count
them; that count stops at ``COUNT_CAP`` + 1 and the page says "more than
COUNT_CAP".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import models
from django.db.models import BooleanField, F, Q, Value
from django.db.models.functions import Coalesce

PAGE_SIZE = 50
COUNT_CAP = 500
# A list of at most this many members is read in one query ordered by every
# key, "met or not" included: its figures cost less than asking the two
# segments apart, and a page is always one query.
SEGMENTS_FROM = 1000

# "Meets the target" with NULL read as "not met" (an annotation of the
# members, named so it cannot collide with a column).
MET = "_met"


def met_alias() -> Coalesce:
    return Coalesce("meets", Value(False), output_field=BooleanField())


@dataclass(frozen=True)
class Key:
    """One sort key of a drill-down: a field (or annotation) and its direction."""

    field: str
    descending: bool = False
    # May hold NULL: ordered NULLS LAST in both directions, on both databases.
    nullable: bool = False

    def order(self):
        expression = F(self.field)
        if self.nullable:
            return expression.desc(nulls_last=True) if self.descending else expression.asc(nulls_last=True)
        # A column without NULLs orders plainly, so PostgreSQL can read it
        # from its index in either direction.
        return expression.desc() if self.descending else expression.asc()


def nullable(queryset: models.QuerySet, path: str) -> bool:
    """Can ``path`` (a field path or an annotation of ``queryset``) be NULL?"""
    if path in ("pk", MET):
        return False
    if path in queryset.query.annotations:
        return True
    model = queryset.model
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.null:
            return True
        if not field.is_relation:
            break
        model = field.related_model
    return False


def _strictly_after(key: Key, value, backward: bool) -> Q | None:
    """Rows after ``value`` on ``key`` alone (before it when ``backward``);
    NULLs are last. None: no row is."""
    larger = key.descending == backward
    if value is None:
        return Q(**{f"{key.field}__isnull": False}) if backward else None
    condition = Q(**{f"{key.field}__{'gt' if larger else 'lt'}": value})
    if key.nullable and not backward:
        condition |= Q(**{f"{key.field}__isnull": True})
    return condition


def after(keys: list[Key], values: dict, backward: bool = False) -> Q:
    """Rows after the cursor whose sort values are ``values`` (before it when
    ``backward``), in the order of ``keys`` (the last key is unique)."""
    condition, equal = None, Q()
    for key in keys:
        value = values[key.field]
        later = _strictly_after(key, value, backward)
        if later is not None:
            condition = equal & later if condition is None else condition | (equal & later)
        equal &= Q(**{f"{key.field}__isnull": True}) if value is None else Q(**{key.field: value})
    first, value = keys[0], values[keys[0].field]
    if not first.nullable and value is not None:
        # The first key's bound on its own, which an index can serve: the
        # OR above alone would have PostgreSQL walk the index from its start.
        larger = first.descending == backward
        condition &= Q(**{f"{first.field}__{'gte' if larger else 'lte'}": value})
    return condition


@dataclass
class PageCount:
    count: int
    capped: bool
    per_page: int = PAGE_SIZE
    cap: int | None = None

    @property
    def num_pages(self) -> int | None:
        if self.capped:
            return None
        return max(1, -(-self.count // self.per_page))


@dataclass
class KeysetPage:
    """What the template and the view need of a page (Django's Page's names)."""

    object_list: list
    number: int
    paginator: PageCount
    next_cursor: int | None = None
    previous_cursor: int | None = None

    def has_next(self) -> bool:
        return self.next_cursor is not None

    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return max(1, self.number - 1)

    def next_query(self) -> dict:
        """The next page's parameters ({} on the last page)."""
        if self.next_cursor is None:
            return {}
        return {"page": self.next_page_number(), "after": self.next_cursor}

    def previous_query(self) -> dict:
        """The previous page's parameters. Pages are counted in fifties from
        the first row, so the page before page 2 is page 1: its plain
        address ({})."""
        if self.previous_cursor is None or self.number <= 2:
            return {}
        return {"page": self.previous_page_number(), "before": self.previous_cursor}


@dataclass(frozen=True)
class Listing:
    """A drill-down's members in one order, ready to page.

    ``members``: the filtered members with their annotations (and the
    ``MET`` alias); ``keys``: the order, the last key unique; ``segments``:
    when the first key is ``MET``, its values in the order they are listed
    (None: the first key is an ordinary one); ``fields``: what each row
    holds besides its pk; ``count_capped``: whether counting needs every
    member's figure.
    """

    members: models.QuerySet
    keys: list[Key]
    fields: list[str]
    segments: list[bool] | None = None
    count_capped: bool = False

    def ordered(self) -> models.QuerySet:
        """Every row, in order (the export, and pages asked by number)."""
        return self.members.order_by(*(key.order() for key in self.keys)).values("pk", *self.fields)

    def count(self, size: int = PAGE_SIZE) -> PageCount:
        if self.count_capped:
            found = self.members.order_by().values("pk")[: COUNT_CAP + 1].count()
            return PageCount(min(found, COUNT_CAP + 1), capped=found > COUNT_CAP, per_page=size, cap=COUNT_CAP)
        return PageCount(self.members.order_by().count(), capped=False, per_page=size)

    def _cursor(self, pk) -> dict | None:
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        return self.members.filter(pk=pk).values(*(key.field for key in self.keys)).first()

    def _read(self, cursor: dict | None, size: int, backward: bool, segmented: bool) -> list[dict]:
        """Up to ``size`` rows after ``cursor`` (before it when ``backward``),
        nearest first."""
        keys = [Key(k.field, k.descending != backward, k.nullable) for k in self.keys]
        if not segmented:
            rows = self.members
            if cursor is not None:
                rows = rows.filter(after(self.keys, cursor, backward))
            return list(rows.order_by(*(k.order() for k in keys)).values("pk", *self.fields)[:size])
        segments = list(reversed(self.segments)) if backward else list(self.segments)
        if cursor is not None:
            segments = segments[segments.index(cursor[MET]) :]
        found: list[dict] = []
        for index, segment in enumerate(segments):
            rows = self.members.filter(**{MET: segment})
            if index == 0 and cursor is not None:
                rows = rows.filter(after(self.keys[1:], cursor, backward))
            found += rows.order_by(*(k.order() for k in keys[1:])).values("pk", *self.fields)[: size - len(found)]
            if len(found) >= size:
                break
        return found

    def page(self, *, number, after_pk=None, before_pk=None, size: int = PAGE_SIZE) -> KeysetPage:
        count = self.count(size)
        segmented = self.segments is not None and (count.capped or count.count > SEGMENTS_FROM)
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        cursor = self._cursor(before_pk) if before_pk is not None else None
        if cursor is not None:
            rows = self._read(cursor, size + 1, backward=True, segmented=segmented)
            first_page = len(rows) <= size
            rows = list(reversed(rows[:size]))
            return KeysetPage(
                rows,
                1 if first_page else max(2, number),
                count,
                next_cursor=rows[-1]["pk"] if rows else None,
                previous_cursor=None if first_page else rows[0]["pk"],
            )
        cursor = self._cursor(after_pk) if after_pk is not None else None
        if cursor is None and number > 1:
            return self._by_offset(number, count, size)
        rows = self._read(cursor, size + 1, backward=False, segmented=segmented)
        more = len(rows) > size
        rows = rows[:size]
        number = max(2, number) if cursor is not None else 1
        return KeysetPage(
            rows,
            number,
            count,
            next_cursor=rows[-1]["pk"] if more else None,
            previous_cursor=rows[0]["pk"] if cursor is not None and rows else None,
        )

    def _by_offset(self, number: int, count: PageCount, size: int) -> KeysetPage:
        paginator = Paginator(self.ordered(), size)
        paginator.count = count.count  # counted once, as the page shows it
        django_page = paginator.get_page(number)
        rows = list(django_page.object_list)
        return KeysetPage(
            rows,
            django_page.number,
            count,
            next_cursor=rows[-1]["pk"] if rows and django_page.has_next() else None,
            previous_cursor=rows[0]["pk"] if rows and django_page.has_previous() else None,
        )
