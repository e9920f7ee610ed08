"""``manage.py indicators --year Y [--unit CODE] [--format table|json]``

A stable contract for scripts (shared/spec/commands.md): the JSON shape and
the exit codes must not change. The numbers come from the indicator engine,
the same ones the dashboard shows.
"""

import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core import indicators as engine
from org.models import Unit


class Command(BaseCommand):
    help = "Print the team-building indicators of one year for a unit's scope or the whole service."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", metavar="CODE", help="unit code; the whole service when omitted")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, year, unit, format, **options):
        scope = None
        if unit is not None:
            try:
                scope = Unit.objects.get(code=unit)
            except Unit.DoesNotExist:
                raise CommandError(_("Unknown unit code: %(code)s") % {"code": unit}) from None
        elif not Unit.objects.filter(kind=Unit.Kind.HQ).exists():
            raise CommandError(_("No General Administration (HQ) unit has been loaded yet."))
        figures = engine.compute(year=year, unit=scope)
        if format == "json":
            payload = {
                "year": year,
                "unit": scope.code if scope else None,
                "indicators": [figure.as_dict() for figure in figures],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stdout.write(self._table(year, scope, figures))

    def _table(self, year, scope, figures) -> str:
        labels = {indicator.key: str(indicator.label) for indicator in engine.indicators()}
        header = [_("Indicator"), _("Numerator"), _("Denominator"), _("Value"), _("Target"), _("Met")]
        rows = []
        for figure in figures:
            row = figure.as_dict()
            rows.append(
                [
                    labels[figure.key],
                    str(row["numerator"]),
                    str(row["denominator"]),
                    "—" if row["value"] is None else f"{row['value']:.2%}",
                    f"{row['comparison']} {row['target']:.2%}",
                    {True: _("yes"), False: _("no"), None: "—"}[row["met"]],
                ]
            )
        title = _("Team-building indicators %(year)s: %(scope)s") % {
            "year": year,
            "scope": str(scope) if scope else _("the whole service"),
        }
        return "\n".join([title, "", _format_columns([header, *rows])])


def _display_width(text: str) -> int:
    # CJK characters take two columns in a terminal; pad by what the eye sees.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _format_columns(rows: list[list[str]]) -> str:
    widths = [max(_display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _display_width(cell))
            # Text left, numbers right, as in a printed statistical table.
            cells.append(cell + pad if i == 0 else pad + cell)
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)
