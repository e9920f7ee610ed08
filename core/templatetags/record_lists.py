"""The admin lists' date hierarchy without reading the list's dates.

Django's ``date_hierarchy`` tag reads MIN and MAX of the date over the list,
then the distinct years (months, days) that have records: over ten million
training records a scan of every row on every load (3.6 s for the years
alone), and for a scoped user an aggregate over every record in scope.

Here the hierarchy offers every year between the first and the last date,
every month of a chosen year between them, every day of a chosen month: a
period in between without records opens an empty list. The first and last
date come from

- the list itself (MIN/MAX, as Django) when its count -- already taken by the
  paginator -- is below the cap, so there are at most 10,000 rows to read;
- the kind's whole table when the list is longer than the cap: two probes of
  the date's index (``training_year_idx`` for training); in a chosen year
  of such a list every month is offered, in a chosen month every day,
  without a query. Reading the first row of a long scoped list in date
  order instead may walk millions of index entries (a customs opened after
  the first records), and the kind's range of years tells a reader of more
  than 10,000 of its records nothing the dashboard's year picker does not.

The links and the template are those of Django's tag.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django import template
from django.contrib.admin.utils import get_fields_from_path
from django.db import models
from django.db.models import Max, Min
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()


def _bounds(rows, field_name: str, is_datetime: bool):
    """The first and last date of ``rows`` (None, None when there are none)."""
    found = rows.order_by().aggregate(first=Min(field_name), last=Max(field_name))
    first, last = found["first"], found["last"]
    if first is None or last is None:
        return None, None
    if is_datetime:
        first, last = (timezone.localtime(v) if timezone.is_aware(v) else v for v in (first, last))
    return first, last


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _title(day: dt.date, format_name: str) -> str:
    return capfirst(formats.date_format(day, format_name))


@register.inclusion_tag("admin/date_hierarchy.html")
def light_date_hierarchy(cl):
    field_name = cl.date_hierarchy
    is_datetime = isinstance(get_fields_from_path(cl.model, field_name)[-1], models.DateTimeField)
    year_field, month_field, day_field = (f"{field_name}__{part}" for part in ("year", "month", "day"))
    year, month, day = (_int(cl.params.get(name)) for name in (year_field, month_field, day_field))

    def link(filters):
        return cl.get_query_string(filters, [f"{field_name}__"])

    long_list = getattr(cl, "result_count_capped", False)
    if year and month and day:
        try:
            chosen = dt.date(year, month, day)
        except ValueError:
            return {"show": False}
        return {
            "show": True,
            "back": {
                "link": link({year_field: year, month_field: month}),
                "title": _title(chosen, "YEAR_MONTH_FORMAT"),
            },
            "choices": [{"title": _title(chosen, "MONTH_DAY_FORMAT")}],
        }
    empty = False
    if year and long_list:
        first = last = None  # every month of the year, every day of the month
    else:
        first, last = _bounds(cl.model._default_manager.all() if long_list else cl.queryset, field_name, is_datetime)
        if first is None and not year:
            return {"show": False}
        empty = first is None
    if not year:
        if first.year != last.year:
            years = range(first.year, last.year + 1)
            return {
                "show": True,
                "back": None,
                "choices": [{"link": link({year_field: str(y)}), "title": str(y)} for y in years],
            }
        year = first.year
        month = first.month if first.month == last.month else None
    if not month:
        spanned = first is not None and first.year == last.year == year
        months = range(first.month, last.month + 1) if spanned else range(1, 13)
        if empty:
            months = range(0)  # a chosen year without records
        return {
            "show": True,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [
                {
                    "link": link({year_field: year, month_field: m}),
                    "title": _title(dt.date(year, m, 1), "YEAR_MONTH_FORMAT"),
                }
                for m in months
            ],
        }
    spanned = first is not None and (first.year, first.month) == (last.year, last.month) == (year, month)
    days = range(first.day, last.day + 1) if spanned else range(1, calendar.monthrange(year, month)[1] + 1)
    if empty:
        days = range(0)  # a chosen month without records
    return {
        "show": True,
        "back": {"link": link({year_field: year}), "title": str(year)},
        "choices": [
            {
                "link": link({year_field: year, month_field: month, day_field: d}),
                "title": _title(dt.date(year, month, d), "MONTH_DAY_FORMAT"),
            }
            for d in days
        ],
    }
