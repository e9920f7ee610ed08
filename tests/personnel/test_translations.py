"""The zh-hans catalogs of personnel, training and the project level: the
users' own words (shared/spec/glossary.md) reach models, the importer's
problems and the admin, and the shipped .mo files match their sources."""

import ast
import gettext
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from core.importing import records_import
from core.models import ImportLog
from org.models import Unit
from org.roles import Role
from personnel.models import LeaderAppraisal, Officer, Posting, ReserveCadre
from training.models import PoliticalWork, TrainingRecord

CATALOGS = [
    Path(settings.BASE_DIR) / folder / "zh_Hans" / "LC_MESSAGES" / "django.po"
    for folder in ("personnel/locale", "training/locale", "locale")
]

# One officer row alice may not write twice over: a date that is not in the
# calendar and a unit code that does not exist. Headers as data-formats.md
# gives them in Chinese, so the problems name the columns as written.
BAD_OFFICER_CSV = (
    "工号,姓名,性别,出生日期,单位编码,职级,入职日期\nT0001,张三,男,1975-13-01,9999,clerk,2000-07-01\n"
).encode()


def verbose(model, field=None):
    meta = model._meta
    return str(meta.verbose_name if field is None else meta.get_field(field).verbose_name)


@pytest.fixture
def chinese():
    with translation.override("zh-hans"):
        yield


def test_it_names_records_and_choices_in_the_users_words(chinese):
    assert verbose(Officer) == "关员"
    assert verbose(Posting) == "工作经历"
    assert verbose(ReserveCadre) == "后备干部"
    assert verbose(LeaderAppraisal) == "领导班子和领导干部综合考核评价"
    assert verbose(TrainingRecord) == "教育培训记录"
    assert verbose(PoliticalWork) == "思想政治工作"
    assert [str(label) for label in Unit.Kind.labels] == [
        "海关总署",
        "督察机构",
        "直属海关",
        "隶属海关（办事处）",
        "处室/科室",
        "院校",
    ]
    assert Unit.Kind.DIRECT.label == "直属海关"
    assert [str(label) for label in Officer.RankLevel.labels] == ["科员及以下", "科级", "处级", "厅局级"]
    assert [str(label) for label in TrainingRecord.Mode.labels] == ["脱产培训", "在职培训", "网络培训"]
    assert [str(label) for label in LeaderAppraisal.Grade.labels] == ["优秀", "称职", "基本称职", "不称职"]
    assert (verbose(Posting, "leadership"), verbose(Posting, "grassroots"), verbose(Posting, "post_risk")) == (
        "领导岗位",
        "基层工作经历",
        "岗位廉政风险等级",
    )
    assert verbose(Officer, "is_leader") == "领导干部"


def test_it_tells_apart_words_that_mean_different_things_in_different_records(chinese):
    # "name", "score" and the role names also occur in other catalogs with
    # another sense; each record gets its own word.
    assert (verbose(Officer, "name"), verbose(Unit, "name")) == ("姓名", "名称")
    assert verbose(LeaderAppraisal, "score") == "得分"
    assert [str(role.label) for role in Role] == ["人事教育部门", "纪检监察部门", "督察内审部门", "领导"]
    with translation.override("en"):
        assert (verbose(Officer, "name"), verbose(LeaderAppraisal, "score"), str(Role.AUDIT.label)) == (
            "name",
            "score",
            "audit",
        )


@pytest.mark.django_db
def test_it_reports_an_importers_problems_in_chinese_and_writes_nothing(chinese, alice):
    outcome = records_import(kind="officers", dataset_or_file=BAD_OFFICER_CSV, file_name="关员.csv", acting_user=alice)

    assert [(p.row, p.column, p.message) for p in outcome.problems] == [
        (2, "出生日期", "1975-13-01 不是有效的日期。"),
        (2, "单位编码", "“9999”不存在或不在您的授权范围内。"),
    ]
    assert [p.display() for p in outcome.problems] == [
        "第 2 行，列 出生日期：1975-13-01 不是有效的日期。",
        "第 2 行，列 单位编码：“9999”不存在或不在您的授权范围内。",
    ]
    # The command line keeps its fixed "row N, column C:" shape (commands.md);
    # only the message is translated.
    assert str(outcome.problems[1]) == "row 2, column 单位编码: “9999”不存在或不在您的授权范围内。"
    assert Officer.objects.count() == 0
    assert ImportLog.objects.get().error_count == 2


@pytest.mark.django_db
def test_it_shows_the_admins_import_problems_in_chinese_by_default(client, alice):
    client.force_login(alice)

    response = client.post(
        reverse("admin:personnel_officer_import"),
        {"import_file": SimpleUploadedFile("关员.csv", BAD_OFFICER_CSV), "format": "0", "resource": "0"},
    )

    assert response.status_code == 200 and response["Content-Language"] == "zh-hans"
    assert "关员.csv：发现 2 个问题；未导入任何数据。" in response.text
    # The problems table: row, column as the file heads it, message.
    assert '<th scope="col">行</th>' in response.text and '<th scope="col">问题</th>' in response.text
    assert "<td>2</td><td>单位编码</td><td>“9999”不存在或不在您的授权范围内。</td>" in response.text


def _column_headers(html):
    """Changelist column -> its header text, as the admin renders them."""
    found = re.findall(
        r'<th scope="col" class="[^"]*column-(\w+)[^"]*">.*?<div class="text">(?:<a [^>]*>|<span>)([^<]*)<',
        html,
        re.DOTALL,
    )
    return {column: text.strip() for column, text in found if column != "action_checkbox"}


@pytest.mark.django_db
def test_it_shows_the_officer_list_with_chinese_column_headers(client, alice, officers):
    client.force_login(alice)
    url = reverse("admin:personnel_officer_changelist")

    response = client.get(url)  # no Accept-Language: LANGUAGE_CODE, zh-hans

    assert response.status_code == 200 and response["Content-Language"] == "zh-hans"
    assert _column_headers(response.text) == {
        "staff_no": "工号",
        "name": "姓名",
        "unit": "单位",
        "rank_level": "职级",
        "is_leader": "领导干部",
        "position": "职务",
        "hire_date": "入职日期",
        "leave_date": "离职日期",
        "officer_file": "干部档案",
    }
    # alice sees the three officers of 5100, 5101 and 5102, all at section level.
    assert response.text.count('<td class="field-rank_level">科级</td>') == 3

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert _column_headers(english.text)["staff_no"] == "Staff number"
    assert _column_headers(english.text)["is_leader"] == "Leading cadre"


@pytest.mark.django_db
def test_it_keeps_permission_names_and_migrations_independent_of_the_language():
    # The grant permissions are stored by migrations; translated eagerly,
    # they would change with the language active when models are imported.
    with translation.override("en"):
        assert [str(name) for _codename, name in Unit._meta.permissions] == [
            "HR grant",
            "supervision grant",
            "audit grant",
            "leadership grant",
        ]
    with translation.override("zh-hans"):
        assert [str(name) for _codename, name in Unit._meta.permissions] == [
            "人事教育部门授权",
            "纪检监察部门授权",
            "督察内审部门授权",
            "领导授权",
        ]
    # Exits with status 1 if the models differ from their migrations.
    call_command("makemigrations", "personnel", "training", check=True, dry_run=True, stdout=io.StringIO())


def _po_entries(path):
    """(key as in a compiled catalog, msgstr, flags) for each entry of a .po."""
    entries, entry, field = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry.get("msgid"):
                entries.append(entry)
            entry, field = {}, None
        elif line.startswith("#,"):
            entry["flags"] = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        else:
            field, _space, value = line.partition(" ")
            entry[field] = ast.literal_eval(value)
    out = []
    for entry in entries:
        key = entry["msgid"]
        if "msgctxt" in entry:
            key = f"{entry['msgctxt']}\x04{key}"
        if "msgid_plural" in entry:
            out.append(((key, 0), entry.get("msgstr[0]", ""), entry.get("flags", set())))
            assert "msgstr[1]" not in entry, f"{path}: {key!r} has more forms than Chinese (nplurals=1)"
        else:
            out.append((key, entry.get("msgstr", ""), entry.get("flags", set())))
    return out


@pytest.mark.parametrize("po", CATALOGS, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_it_ships_complete_compiled_catalogs(po):
    entries = _po_entries(po)
    with open(po.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog

    assert entries
    assert [key for key, msgstr, _flags in entries if not msgstr] == []
    assert [key for key, _msgstr, flags in entries if "fuzzy" in flags] == []
    # CI does not compile: the .mo must say what the .po says.
    assert {key: compiled.get(key) for key, _msgstr, _flags in entries} == {
        key: msgstr for key, msgstr, _flags in entries
    }
