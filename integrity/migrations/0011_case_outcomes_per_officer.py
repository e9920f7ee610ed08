"""Category, status and sanction belong to each officer named in a case.

The case keeps what is common to everyone it names (number, opening date,
and now the unit that opened it and a summary); each ``CaseOfficer`` gets
the category and status its case had. Their history rows get the values
the case had when the history row was written (its own history as of that
moment; the case's values where the case has no history that old), so the
history still says what each officer's outcome was then.

Reversed, a case takes back one category and one status from its
officers: the gravest category (crime, then violation, then discipline)
and the least advanced status (open, investigating, concluded, closed), so
that a case is never shown as milder or further along than it is for any
of the people it names. The case's history rows take the case's values.
Unit and summary are dropped.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

GRAVITY = ["crime", "violation", "discipline"]
PROGRESS = ["open", "investigating", "concluded", "closed"]


def _first(queryset, field):
    return Subquery(queryset.values(field)[:1])


def outcomes_to_officers(apps, schema_editor):
    Case = apps.get_model("integrity", "Case")
    CaseOfficer = apps.get_model("integrity", "CaseOfficer")
    HistoricalCase = apps.get_model("integrity", "HistoricalCase")
    HistoricalCaseOfficer = apps.get_model("integrity", "HistoricalCaseOfficer")

    case = Case.objects.filter(pk=OuterRef("case_id"))
    CaseOfficer.objects.update(category=_first(case, "category"), status=_first(case, "status"))

    as_of = HistoricalCase.objects.filter(id=OuterRef("case_id"), history_date__lte=OuterRef("history_date")).order_by(
        "-history_date", "-history_id"
    )
    earliest = HistoricalCase.objects.filter(id=OuterRef("case_id")).order_by("history_date", "history_id")
    for field, fallback in (("category", "discipline"), ("status", "open")):
        HistoricalCaseOfficer.objects.update(
            **{
                field: Coalesce(
                    _first(as_of, field),
                    _first(case, field),
                    _first(earliest, field),
                    Value(fallback),
                    output_field=models.CharField(),
                )
            }
        )


def outcomes_to_cases(apps, schema_editor):
    Case = apps.get_model("integrity", "Case")
    CaseOfficer = apps.get_model("integrity", "CaseOfficer")
    HistoricalCase = apps.get_model("integrity", "HistoricalCase")

    def rank(field, order):
        return models.Case(
            *[models.When(**{field: code}, then=Value(position)) for position, code in enumerate(order)],
            default=Value(len(order)),
            output_field=models.IntegerField(),
        )

    links = CaseOfficer.objects.filter(case_id=OuterRef("pk"))
    gravest = links.annotate(rank=rank("category", GRAVITY)).order_by("rank", "officer_id")
    earliest = links.annotate(rank=rank("status", PROGRESS)).order_by("rank", "officer_id")
    Case.objects.update(
        category=Coalesce(_first(gravest, "category"), Value("discipline"), output_field=models.CharField()),
        status=Coalesce(_first(earliest, "status"), Value("open"), output_field=models.CharField()),
    )
    case = Case.objects.filter(pk=OuterRef("id"))
    HistoricalCase.objects.update(
        category=Coalesce(_first(case, "category"), Value("discipline"), output_field=models.CharField()),
        status=Coalesce(_first(case, "status"), Value("open"), output_field=models.CharField()),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("integrity", "0010_alert_assignment_and_notes"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="summary",
            field=models.TextField(blank=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="case",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases_opened",
                to="org.unit",
                verbose_name="unit that opened the case",
            ),
        ),
        migrations.AddField(
            model_name="caseofficer",
            name="category",
            field=models.CharField(
                choices=[("discipline", "discipline"), ("violation", "violation of law"), ("crime", "crime")],
                default="discipline",
                max_length=12,
                verbose_name="category",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="caseofficer",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "open"),
                    ("investigating", "investigating"),
                    ("concluded", "concluded"),
                    ("closed", "closed"),
                ],
                default="open",
                max_length=15,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="summary",
            field=models.TextField(blank=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="org.unit",
                verbose_name="unit that opened the case",
            ),
        ),
        migrations.AddField(
            model_name="historicalcaseofficer",
            name="category",
            field=models.CharField(
                choices=[("discipline", "discipline"), ("violation", "violation of law"), ("crime", "crime")],
                default="discipline",
                max_length=12,
                verbose_name="category",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalcaseofficer",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "open"),
                    ("investigating", "investigating"),
                    ("concluded", "concluded"),
                    ("closed", "closed"),
                ],
                default="open",
                max_length=15,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(outcomes_to_officers, outcomes_to_cases),
        # A default on the case's category before it goes, so that reversing
        # can put the column back on rows that exist (the reverse data step
        # then gives each case its real value).
        *[
            migrations.AlterField(
                model_name=model_name,
                name="category",
                field=models.CharField(
                    choices=[("discipline", "discipline"), ("violation", "violation of law"), ("crime", "crime")],
                    default="discipline",
                    max_length=12,
                    verbose_name="category",
                ),
            )
            for model_name in ("case", "historicalcase")
        ],
        migrations.RemoveField(
            model_name="case",
            name="category",
        ),
        migrations.RemoveField(
            model_name="case",
            name="status",
        ),
        migrations.RemoveField(
            model_name="historicalcase",
            name="category",
        ),
        migrations.RemoveField(
            model_name="historicalcase",
            name="status",
        ),
    ]
