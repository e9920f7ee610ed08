"""Training and political-work files: the day-count rule and the Chinese
headers of data-formats.md (the general rules are in tests/personnel)."""

import datetime as dt
from decimal import Decimal

import pytest

from core.importing import records_export
from tests.personnel.import_support import (  # noqa: F401 (english is an autouse fixture)
    counts,
    english,
    headers_of,
    import_rows,
    problems,
    snapshot,
)
from training.models import PoliticalWork, TrainingRecord

pytestmark = pytest.mark.django_db


def course(staff_no, start, end, days, name="岗位练兵", mode="in_service"):
    return {"staff_no": staff_no, "course": name, "start_date": start, "end_date": end, "days": days, "mode": mode}


@pytest.mark.parametrize(
    "start,end,days,message",
    [
        ("2009-03-02", "2009-03-06", "5", None),  # Monday to Friday: 5 days at most
        ("2009-03-02", "2009-03-02", "1", None),
        ("2009-03-02", "2009-03-02", "0.5", None),
        ("2009-12-28", "2010-01-03", "7", None),  # over New Year
        ("2009-03-02", "2009-03-06", "5.5", "5.5 days is more than the 5 days from start to end."),
        ("2009-03-02", "2009-03-02", "2", "2 days is more than the 1 days from start to end."),
        ("2009-02-27", "2009-03-01", "4", "4 days is more than the 3 days from start to end."),
        ("2009-03-02", "2009-03-06", "1.25", "Ensure that there are no more than 1 decimal place."),
        ("2009-03-02", "2009-03-06", "0", "Days must be greater than 0."),
    ],
)
def test_it_limits_days_to_the_span_from_start_to_end(alice, officers, start, end, days, message):
    before = snapshot()

    outcome = import_rows(
        "training", alice, headers_of("training"), [course(officers["5101"].staff_no, start, end, days)]
    )

    if message is None:
        assert problems(outcome) == [] and counts(outcome) == (1, 0, 0)
        assert TrainingRecord.objects.get().days == Decimal(days)
    else:
        assert problems(outcome) == [(2, "days", message)]
        assert snapshot() == before


def test_it_refuses_a_course_that_ends_before_it_starts(alice, officers):
    outcome = import_rows(
        "training", alice, headers_of("training"), [course(officers["5101"].staff_no, "2009-03-06", "2009-03-02", "3")]
    )

    assert problems(outcome) == [(2, "end_date", "The end date cannot be before the start date.")]


def test_it_reads_the_chinese_headers_and_words_of_the_spec(alice, officers):
    s1, s2 = officers["5101"].staff_no, officers["5102"].staff_no
    headers = ["工号", "课程", "开始日期", "结束日期", "天数", "方式"]
    rows = [
        [s1, "处级干部任职培训", "2009-09-01", "2009-11-29", "90", "脱产"],
        [s1, "保密教育", "2009-05-11", "2009-05-11", "0.5", "在职"],
        [s2, "网络学院必修课", "2009-01-01", "2009-12-31", "6", "网络"],
    ]

    outcome = import_rows("training", alice, headers, rows, bom=True)

    assert problems(outcome) == [] and counts(outcome) == (3, 0, 0)
    assert sorted(TrainingRecord.objects.values_list("officer__staff_no", "mode", "days")) == sorted(
        [(s1, "full_time", Decimal("90.0")), (s1, "in_service", Decimal("0.5")), (s2, "online", Decimal("6.0"))]
    )


def test_it_updates_days_by_the_course_key_and_keeps_history(alice, officers):
    s1 = officers["5101"].staff_no
    import_rows("training", alice, headers_of("training"), [course(s1, "2009-03-02", "2009-03-06", "4")])

    outcome = import_rows("training", alice, headers_of("training"), [course(s1, "2009-03-02", "2009-03-06", "4.5")])

    assert counts(outcome) == (0, 1, 0)
    record = TrainingRecord.objects.get()
    assert record.days == Decimal("4.5")
    assert list(record.history.order_by("history_date").values_list("history_type", "days", "history_user")) == [
        ("+", Decimal("4.0"), alice.pk),
        ("~", Decimal("4.5"), alice.pk),
    ]


def test_it_scopes_political_work_to_the_units_of_the_grant(alice, charlie, tree):
    rows = [["5101", "2009-06-30", "主题党日", "35"], ["0200", "2009-06-30", "主题党日", "20"]]

    refused = import_rows("political_work", alice, ["单位编码", "日期", "标题", "参加人数"], rows)
    alice_rows = import_rows("political_work", alice, ["单位编码", "日期", "标题", "参加人数"], rows[:1])
    charlie_rows = import_rows("political_work", charlie, ["单位编码", "日期", "标题", "参加人数"], rows[1:])

    assert problems(refused) == [(3, "单位编码", "“0200” is unknown or outside your grants.")]
    assert counts(alice_rows) == counts(charlie_rows) == (1, 0, 0)
    assert list(records_export(kind="political_work", acting_user=charlie)) == [
        ("0200", "2009-06-30", "主题党日", "20")
    ]
    assert set(PoliticalWork.objects.values_list("unit__code", "date")) == {
        ("5101", dt.date(2009, 6, 30)),
        ("0200", dt.date(2009, 6, 30)),
    }


def test_it_refuses_training_imports_to_supervision(bob, officers):
    outcome = import_rows(
        "training", bob, headers_of("training"), [course(officers["5101"].staff_no, "2009-03-02", "2009-03-06", "5")]
    )

    assert problems(outcome) == [(2, "staff_no", f"“{officers['5101'].staff_no}” is unknown or outside your grants.")]
    assert TrainingRecord.objects.count() == 0
