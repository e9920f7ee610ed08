"""Real spreadsheets in (issue 11): the encodings, headers, labels, dates and
full-width text of files saved by Excel on Chinese Windows read the same
records as the canonical UTF-8 file of data-formats.md.

alice is HR at 5100 (writes 5100, 5101, 5102).
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from core.importing import Column, RecordResource, get_resource_class, kinds, records_import
from core.importing.headers import header_aliases, header_labels
from core.importing.widgets import Boolean, Choice, Count, Text
from personnel.models import Officer
from tests.personnel.import_support import (  # noqa: F401 (english is an autouse fixture)
    counts,
    csv_bytes,
    english,
    headers_of,
    problems,
    xlsx_bytes,
)
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db

OFFICER_FIELDS = (
    "staff_no",
    "name",
    "gender",
    "birth_date",
    "unit__code",
    "rank_level",
    "is_leader",
    "position",
    "hire_date",
    "leave_date",
)
TRAINING_FIELDS = ("officer__staff_no", "course", "start_date", "end_date", "days", "mode")


def stored_officers():
    return list(Officer.objects.filter(staff_no__startswith="T").order_by("staff_no").values_list(*OFFICER_FIELDS))


def stored_training():
    return list(TrainingRecord.objects.order_by("officer__staff_no", "course").values_list(*TRAINING_FIELDS))


# The UTF-8 original, as data-formats.md writes it.
OFFICERS_ORIGINAL = [
    ["staff_no", "name", "gender", "birth_date", "unit_code", "rank_level", "is_leader", "position", "hire_date"],
    ["T0001", "张伟", "M", "1980-05-01", "5101", "section", "true", "科长", "2002-07-01"],
    ["T0002", "李娜", "F", "1985-03-12", "5102", "clerk", "false", "科员", "2008-08-01"],
]
# The same records as the forms and the export label them, dates with slashes.
OFFICERS_CHINESE = [
    ["工号", "姓名", "性别", "出生日期", "单位编码", "职级", "领导干部", "职务", "入职日期"],
    ["T0001", "张伟", "男", "1980/5/1", "5101", "科级", "是", "科长", "2002/7/1"],
    ["T0002", "李娜", "女", "1985/3/12", "5102", "科员及以下", "否", "科员", "2008/8/1"],
]
EXPECTED_OFFICERS = [
    ("T0001", "张伟", "M", dt.date(1980, 5, 1), "5101", "section", True, "科长", dt.date(2002, 7, 1), None),
    ("T0002", "李娜", "F", dt.date(1985, 3, 12), "5102", "clerk", False, "科员", dt.date(2008, 8, 1), None),
]


def _csv(rows, encoding, delimiter=",") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def _import(kind, user, data, name):
    return records_import(kind=kind, dataset_or_file=data, file_name=name, acting_user=user)


OFFICER_FILES = {
    "GBK CSV, Chinese headers and labels, slash dates": (_csv(OFFICERS_CHINESE, "gbk"), "关员.csv"),
    "GB18030 CSV": (_csv(OFFICERS_CHINESE, "gb18030"), "关员.csv"),
    "UTF-8 CSV with BOM, Chinese": (_csv(OFFICERS_CHINESE, "utf-8-sig"), "关员.csv"),
    "UTF-16 tab-separated (Excel's Unicode text)": (_csv(OFFICERS_CHINESE, "utf-16", "\t"), "关员.csv"),
    "UTF-16 comma-separated": (_csv(OFFICERS_ORIGINAL, "utf-16"), "关员.csv"),
    "UTF-8 tab-separated": (_csv(OFFICERS_ORIGINAL, "utf-8", "\t"), "关员.csv"),
}


@pytest.mark.parametrize("variant", list(OFFICER_FILES))
def test_it_stores_the_same_officers_from_every_encoding_as_from_the_utf8_original(alice, officers, variant):
    data, name = OFFICER_FILES[variant]

    outcome = _import("officers", alice, data, name)

    assert problems(outcome) == [] and counts(outcome) == (2, 0, 0)
    assert stored_officers() == EXPECTED_OFFICERS
    original = _import("officers", alice, _csv(OFFICERS_ORIGINAL, "utf-8"), "officers.csv")
    assert problems(original) == [] and counts(original) == (0, 0, 2)
    assert stored_officers() == EXPECTED_OFFICERS


def test_it_stores_the_same_training_from_an_xlsx_with_date_cells_and_extra_columns(alice, officers):
    s1, s2 = officers["5101"].staff_no, officers["5102"].staff_no
    original = _csv(
        [
            ["staff_no", "course", "start_date", "end_date", "days", "mode"],
            [s1, "廉政教育", "2025-03-03", "2025-03-07", "5", "full_time"],
            [s2, "业务培训", "2025-04-01", "2025-04-30", "11.5", "online"],
        ],
        "utf-8",
    )
    workbook = xlsx_bytes(
        ["序号", "工号", "姓名", "课程", "开始日期", "结束日期", "天数", "培训方式"],
        [
            [1, s1, "黄埔海关关员", "廉政教育", dt.datetime(2025, 3, 3), dt.date(2025, 3, 7), 5, "脱产培训"],
            # An Excel serial number (45748 = 2025-04-01) and a date typed as text.
            [2, s2, "黄埔海关查验科关员", "业务培训", 45748, "2025年4月30日", 11.5, "网络"],
        ],
    )

    outcome = _import("training", alice, workbook, "培训.xlsx")

    assert problems(outcome) == [] and counts(outcome) == (2, 0, 0)
    assert outcome.ignored_columns == ["序号", "姓名"]
    assert outcome.notice == "Ignored columns: 序号, 姓名"
    expected = [
        (s1, "廉政教育", dt.date(2025, 3, 3), dt.date(2025, 3, 7), Decimal("5"), "full_time"),
        (s2, "业务培训", dt.date(2025, 4, 1), dt.date(2025, 4, 30), Decimal("11.5"), "online"),
    ]
    assert stored_training() == expected
    again = _import("training", alice, original, "training.csv")
    assert problems(again) == [] and counts(again) == (0, 0, 2)
    assert stored_training() == expected


def test_the_ignored_columns_notice_is_translated(alice, officers):
    data = csv_bytes(["工号", "姓名", "课程", "开始日期", "结束日期", "天数", "方式"], [])
    with translation.override("zh-hans"):
        outcome = _import("training", alice, data, "t.csv")
        assert outcome.notice == "忽略的列：姓名"


def test_full_width_staff_numbers_and_spaces_match_the_real_officer(alice, officers):
    _import("officers", alice, _csv(OFFICERS_ORIGINAL, "utf-8"), "officers.csv")
    full_width = [row[:] for row in OFFICERS_ORIGINAL]
    full_width[1][0] = "\u3000ＴＯＯＯ１ ".replace("Ｏ", "０")  # 　Ｔ０００１
    full_width[1][4] = "５１０１"
    full_width[2][8] = "２００８－０８－０１"

    outcome = _import("officers", alice, _csv(full_width, "utf-8"), "officers.csv")

    assert problems(outcome) == [] and counts(outcome) == (0, 0, 2)
    assert Officer.objects.filter(staff_no__startswith="T").count() == 2
    training = _csv(
        [
            ["工号", "课程", "开始日期", "结束日期", "天数", "方式"],
            ["Ｔ０００１", "法规", "2025-1-6", "2025-1-6", "１", "在职"],
        ],
        "utf-8",
    )
    outcome = _import("training", alice, training, "t.csv")
    assert problems(outcome) == [] and counts(outcome) == (1, 0, 0)
    assert stored_training() == [
        ("T0001", "法规", dt.date(2025, 1, 6), dt.date(2025, 1, 6), Decimal("1"), "in_service")
    ]


def test_an_impossible_or_ambiguous_date_is_refused_with_row_and_column(alice, officers):
    rows = [row[:] for row in OFFICERS_CHINESE]
    rows[1][3] = "2025/2/30"
    rows[2][8] = "05/01/2025"

    outcome = _import("officers", alice, _csv(rows, "gbk"), "关员.csv")

    assert problems(outcome) == [
        (2, "出生日期", "2025/2/30 is not a real date."),
        (3, "入职日期", "“05/01/2025” does not say which number is the year; write the year first, as YYYY-MM-DD."),
    ]
    assert stored_officers() == []


def test_a_month_column_reads_every_common_form(alice, officers):
    from integrity.models import EnforcementStat
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True)
    s1 = officers["5101"].staff_no
    rows = [
        ["工号", "月份", "报关单数", "人工干预数"],
        [s1, "2025-01", "10", "1"],
        [s1, "2025.02", "10", "1"],
        [s1, "2025年3月", "10", "1"],
        [s1, "202504", "10", "1"],
        [s1, "2025/5", "10", "1"],
    ]

    outcome = _import("enforcement_stats", admin, _csv(rows, "gb18030"), "执法.csv")

    assert problems(outcome) == [] and counts(outcome) == (5, 0, 0)
    assert sorted(EnforcementStat.objects.values_list("month", flat=True)) == [
        dt.date(2025, month, 1) for month in range(1, 6)
    ]


# --- choices -----------------------------------------------------------------
@pytest.mark.parametrize(
    "written,code",
    [
        ("in_service", "in_service"),
        ("IN_SERVICE", "in_service"),
        (" In_Service\u3000", "in_service"),
        ("在职培训", "in_service"),  # the label the form shows (glossary term)
        ("在职", "in_service"),  # the specification's short word
        ("in-service", "in_service"),  # the English label
        ("ＯＮＬＩＮＥ", "online"),
        ("脱产培训", "full_time"),
        ("网络培训", "online"),
    ],
)
def test_a_choice_is_read_from_its_code_label_or_glossary_word(written, code):
    assert get_resource_class("training").column("mode").widget.clean(written) == code


def test_unit_kinds_read_the_glossary_words():
    widget = get_resource_class("units").column("kind").widget
    assert [widget.clean(word) for word in ("海关总署", "直属海关", "隶属海关（办事处）", "处室/科室", "院校")] == [
        "hq",
        "direct",
        "subordinate",
        "department",
        "college",
    ]


def test_an_unknown_choice_still_lists_the_codes():
    with pytest.raises(ValueError, match="“在外培训” is not one of the allowed values: full_time, in_service, online."):
        get_resource_class("training").column("mode").widget.clean("在外培训")


def test_cells_are_folded_to_half_width_and_trimmed_everywhere():
    assert Text().clean("\u3000Ｔ０００１\u3000") == "T0001"
    assert Text().clean("科长，（副）") == "科长，（副）"  # full-width punctuation in prose stays
    assert Count().clean("１２") == 12
    assert Boolean().clean("ＴＲＵＥ") is True
    assert Choice(TrainingRecord.Mode).clean("\u3000ｏｎｌｉｎｅ") == "online"


# --- headers -----------------------------------------------------------------
def test_the_export_labels_are_the_chinese_labels_of_the_fields():
    with translation.override("zh-hans"):
        assert list(header_labels(get_resource_class("officers")).values()) == [
            "工号",
            "姓名",
            "性别",
            "出生日期",
            "单位编码",
            "职级",
            "领导干部",
            "职务",
            "入职日期",
            "离职日期",
        ]
        # A reference names the record and the code it is named by.
        assert list(header_labels(get_resource_class("training")).values()) == [
            "关员工号",
            "课程",
            "开始日期",
            "结束日期",
            "天数",
            "培训方式",
        ]


@pytest.mark.parametrize("kind", kinds())
def test_every_kind_accepts_its_labels_in_both_languages_and_its_canonical_names(kind):
    resource = get_resource_class(kind)
    aliases = header_aliases(resource)
    for language in ("zh-hans", "en"):
        for name, label in header_labels(resource, language).items():
            assert aliases[label.lower()] == name
    for column in resource.columns():
        assert aliases[column.column_name] == column.column_name
        assert all(aliases[alias] == column.column_name for alias in column.aliases)


def test_two_columns_declaring_one_header_is_a_programming_error():
    class Clash(RecordResource):
        record_kind = "clash_test"
        staff_no = Column(Text(), "工号")
        name = Column(Text(), "工号")

        class Meta:
            model = Officer
            import_id_fields = ("staff_no",)

    with pytest.raises(ImproperlyConfigured):
        header_aliases(Clash)


def test_a_known_column_given_twice_is_refused_naming_both_headers(alice, officers):
    headers = ["工号", "staff_no", *headers_of("officers")[1:]]
    rows = [["T0001", "T0001", "张伟", "M", "1980-05-01", "5101", "section", "true", "科长", "2002-07-01", ""]]

    outcome = _import("officers", alice, _csv([headers, *rows], "utf-8"), "o.csv")

    assert problems(outcome) == [(1, "staff_no", "“工号” and “staff_no” are the same column; keep one of them.")]
    assert stored_officers() == []


def test_messages_name_columns_by_the_header_the_file_used(alice, officers):
    rows = [row[:] for row in OFFICERS_CHINESE]
    rows[1][5] = "局级"

    outcome = _import("officers", alice, _csv(rows, "gbk"), "o.csv")

    assert problems(outcome) == [
        (2, "职级", "“局级” is not one of the allowed values: clerk, section, division, bureau.")
    ]
