"""The dossier is titled and judged by the rules that apply to its officer,
its appraisal score is headed as a score (not the risk score), and a year
before the records begin (or before the hire) reads "无数据", not 0 days.

The training records of conftest.py's leader begin in 2004, so the
dossiers of 2009 look at 2005–2009 with records for every year."""

import datetime as dt
import re

import pytest
from django.utils import translation

from personnel.models import Officer
from reports.pdf import dossier
from tests.factories import OfficerFactory

from .conftest import YEAR, training
from .pdftools import needs_poppler, pdf_text

pytestmark = [pytest.mark.django_db, needs_poppler]


def text_of(officer) -> str:
    """The dossier's text as the Chinese interface renders it (a command or
    a test run before may have left another language active)."""
    with translation.override("zh-hans"):
        return pdf_text(dossier.render(officer, YEAR))


def test_it_titles_a_leaders_dossier_for_a_leading_cadre_and_heads_the_score_as_a_score(leader):
    text = text_of(leader)
    assert "领导干部综合考核评价材料（2009年度）" in text
    assert re.search(r"年度\s+等次\s+得分\s+备注", text)
    assert "风险分值" not in text
    # The leaders' rule: 8.5 + 10 + 30 + 20 = 68.5 full-time days in 2005–2009 against 90.
    assert re.search(r"68\.5\s*天.*90\s*天.*未达标", text.replace("\n", " "))


def test_it_judges_an_officer_by_the_officers_rules_only(leader, tree):
    officer = OfficerFactory(
        staff_no="G0001", name="李关员", unit=tree["5101"], is_leader=False, hire_date=dt.date(2000, 7, 1)
    )
    training(officer, "业务培训", dt.date(2009, 4, 6), 13)
    training(officer, "岗位练兵", dt.date(2008, 4, 7), 6)
    text = text_of(officer)
    assert "关员考核材料（2009年度）" in text
    assert "领导干部综合考核评价材料" not in text
    # The yearly 12 days apply to every officer; the five-year 90 days and
    # the leaders' appraisal section only to leaders.
    assert re.search(r"2009\s+13\s+13\s+达标", text)
    assert re.search(r"2008\s+6\s+6\s+未达标", text)
    assert "要求 90 天" not in text and "脱产培训累计" not in text
    assert "综合考核评价" not in text


def test_it_shows_no_data_for_the_years_before_the_hire(leader, tree):
    newcomer = OfficerFactory(
        staff_no="L0002",
        name="王新",
        unit=tree["5100"],
        is_leader=True,
        rank_level=Officer.RankLevel.DIVISION,
        hire_date=dt.date(2007, 3, 1),
    )
    training(newcomer, "入职培训", dt.date(2007, 3, 5), 30)
    training(newcomer, "专题班", dt.date(2009, 3, 2), 15)
    text = text_of(newcomer)
    assert re.search(r"2006\s+无数据\s+无数据\s+无数据", text)
    assert re.search(r"2005\s+无数据\s+无数据\s+无数据", text)
    assert re.search(r"2008\s+0\s+0\s+未达标", text)
    # 45 full-time days in 2007–2009, short of 90, with two years unrecorded:
    # not judged, and the years are named.
    flat = " ".join(text.split())
    assert re.search(r"45 ?天.*90 ?天.*无数据", flat)
    assert "2005、2006 年无记录" in flat
