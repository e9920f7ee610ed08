"""The appraisal PDFs, read back with pdftotext/pdffonts.

Figures are computed by hand from the records built in conftest.py and here.
"""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command

from integrity.models import AccessLog, CaseOfficer
from tests.factories import OfficerFactory, UserFactory

from .conftest import YEAR, training
from .pdftools import needs_poppler, pdf_fonts, pdf_text

pytestmark = [pytest.mark.django_db, needs_poppler]


def dossier_url(staff_no, year=YEAR):
    return f"/reports/officers/{staff_no}/appraisal.pdf?year={year}"


def report_url(code, year=YEAR):
    return f"/reports/units/{code}/report.pdf?year={year}"


def run(command, tmp_path, name, **options):
    path = tmp_path / name
    call_command(command, output=str(path), year=YEAR, **options)
    return path.read_bytes()


# --- the leader dossier ------------------------------------------------------


def test_it_writes_the_dossier_with_name_unit_and_training_figures(leader, tmp_path):
    text = pdf_text(run("appraisal_pdf", tmp_path, "d.pdf", staff_no="L0001"))
    assert "张伟" in text and "广州海关" in text
    # Training 2009: 8.5 full-time + 5 in-service = 13.5 days, met; 2008: 10, missed.
    assert re.search(r"2009\s+13\.5\s+8\.5\s+达标", text)
    assert re.search(r"2008\s+10\s+10\s+未达标", text)
    # Full-time 2005–2009: 8.5 + 10 + 30 + 20 = 68.5 (the 40 days of 2004 fall outside).
    assert "68.5" in text and "90" in text
    assert re.search(r"2009\s+优秀\s+92\.5", text)
    assert "49岁" in text  # born 1960-03-15: 49 on 31 December 2009
    assert "SJ-2009-017" in text
    assert "内部资料 注意保存" in text
    assert re.search(r"第\s*1\s*页\s*共\s*1\s*页", text)


def test_it_embeds_every_font_of_the_dossier(leader, tmp_path):
    fonts = pdf_fonts(run("appraisal_pdf", tmp_path, "d.pdf", staff_no="L0001"))
    assert fonts, "the PDF names no font"
    assert all(font["emb"] == "yes" for font in fonts), fonts


def test_it_shows_case_and_alert_counts_to_supervision_and_logs_it(leader, bob, client):
    client.force_login(bob)
    response = client.get(dossier_url("L0001"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert re.search(r"违纪违法案件\s+1", text)
    assert re.search(r"未结廉政风险预警\s+1", text)
    # Supervision reads profiles, not careers: no postings or training.
    assert "工作经历" not in text and "教育培训" not in text
    logged = AccessLog.objects.filter(user=bob, action="report").order_by("record_kind")
    assert [(row.record_kind, row.record_count) for row in logged] == [
        ("integrity.case", 1),
        ("integrity.riskalert", 1),
    ]


def test_it_withholds_the_one_officer_counts_from_leadership_and_hides_them_from_hr(leader, alice, dora, client):
    # A dossier counts over one officer, fewer than 5: leadership, which may
    # not open the case or the alert behind the count, sees it withheld.
    client.force_login(dora)
    text = pdf_text(client.get(dossier_url("L0001")).content)
    assert re.search(r"违纪违法案件\s+不足5人，不予显示", text)
    assert re.search(r"未结廉政风险预警\s+不足5人，不予显示", text)
    assert not AccessLog.objects.filter(user=dora).exists()
    client.force_login(alice)
    text = pdf_text(client.get(dossier_url("L0001")).content)
    assert "13.5" in text  # HR sees the career ...
    assert "违纪违法案件" not in text and "廉政风险预警" not in text  # ... but not the integrity record
    assert "党风廉政建设责任制考核" not in text
    assert not AccessLog.objects.filter(user=alice).exists()


def test_it_lets_an_officer_download_their_own_dossier_without_integrity_data(leader, client):
    me = UserFactory(username="zhangwei")
    leader.user = me
    leader.save()
    client.force_login(me)
    text = pdf_text(client.get(dossier_url("L0001")).content)
    assert "张伟" in text and "13.5" in text
    assert "违纪违法案件" not in text


def test_it_answers_404_for_an_officer_outside_the_grants(leader, charlie, client):
    client.force_login(charlie)
    assert client.get(dossier_url("L0001")).status_code == 404
    assert client.get(dossier_url("NOSUCH")).status_code == 404


def test_it_answers_a_bad_year_with_a_plain_message_not_another_years_pdf(leader, charlie, client):
    client.force_login(charlie)
    for year in ("soon", "1800"):
        response = client.get(dossier_url("L0001", year))
        assert response.status_code == 400
        message = response.content.decode()
        assert f"“{year}”" in message and "1949" in message and "2100" in message
    assert client.get(report_url("5100", "99999")).status_code == 400


def test_it_refuses_the_command_for_an_officer_outside_the_users_grants(leader, charlie, tmp_path):
    with pytest.raises(CommandError, match="L0001"):
        run("appraisal_pdf", tmp_path, "d.pdf", staff_no="L0001", user="charlie")
    assert not (tmp_path / "d.pdf").exists()


# --- the unit report ---------------------------------------------------------


@pytest.fixture
def unit_year(leader, officers):
    """Training in 2009 of the 5100 scope (5100, 5101, 5102), employed all year:
    张伟 13.5 (met), 5100's officer 0, 5101's 12 (met), 5102's 3.
    training_days_12 for 5100 = 2 / 4 = 50%; for 5101 (5101, 5102) = 1 / 2 = 50%.
    leader_fulltime_training_5y for 5100: 张伟 68.5 < 90 -> 0 / 1 = 0%."""
    training(officers["5101"], "业务培训", dt.date(2009, 4, 1), 12, "in_service")
    training(officers["5102"], "业务培训", dt.date(2009, 4, 1), 3, "in_service")
    return leader


def test_it_writes_the_unit_report_with_the_indicator_figures(unit_year, tmp_path):
    pdf = run("unit_report_pdf", tmp_path, "u.pdf", unit="5100")
    text = pdf_text(pdf)
    assert "广州海关2009年度队伍建设情况报告" in text
    # Row number, numerator, denominator, value, target, status.
    assert re.search(r"年培训≥12天\s+1\s+2\s+4\s+50%\s+≥ 100%\s+未达标", text)
    assert re.search(r"领导脱产培训\s+2\s+0\s+1\s+0%\s+≥ 100%\s+未达标", text)
    # The breakdown row of 黄埔海关 starts with its training figure, 1 / 2.
    assert re.search(r"黄埔海关\s+50%", text)
    # The gap list names the officers short of 12 days, with their days.
    assert re.search(r"广州海关关员\s+广州海关\s+科级\s+0", text)
    assert re.search(r"黄埔海关查验科关员\s+黄埔海关查验科\s+科级\s+3", text)
    assert re.search(r"张伟\s+广州海关\s+处级\s+68\.5", text)
    assert all(font["emb"] == "yes" for font in pdf_fonts(pdf))


def test_it_answers_404_for_a_unit_report_outside_the_grants(unit_year, charlie, dora, client):
    client.force_login(charlie)
    assert client.get(report_url("5100")).status_code == 404
    client.force_login(dora)
    response = client.get(report_url("5100"))
    assert response.status_code == 200
    assert "广州海关" in pdf_text(response.content)


def test_it_refuses_the_unit_report_command_outside_the_grants(unit_year, charlie, tmp_path):
    with pytest.raises(CommandError):
        run("unit_report_pdf", tmp_path, "u.pdf", unit="5100", user="charlie")
    with pytest.raises(CommandError):
        run("unit_report_pdf", tmp_path, "u.pdf", unit="9999")


def test_it_leaves_out_gap_lists_the_reader_may_not_open(unit_year, alice, client):
    client.force_login(alice)
    text = pdf_text(client.get(report_url("5100")).content)
    assert "培训不足12天的关员" in text  # HR data
    assert "未开展经济责任" not in text  # audit data


# --- the batch ---------------------------------------------------------------


@pytest.fixture
def leaders(leader, tree):
    OfficerFactory(staff_no="L0002", name="李娜", unit=tree["5101"], is_leader=True)
    OfficerFactory(staff_no="L0003", name="王强", unit=tree["5200"], is_leader=True)  # other customs
    OfficerFactory(
        staff_no="L0004", name="赵敏", unit=tree["5100"], is_leader=True, leave_date=dt.date(2008, 6, 30)
    )  # left before the year
    return leader


def test_it_zips_one_dossier_per_leader_of_the_unit(leaders, tmp_path, capsys):
    data = run("appraisal_pdf_batch", tmp_path, "all.zip", unit="5100")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == ["L0001_张伟.pdf", "L0002_李娜.pdf"]
        assert "李娜" in pdf_text(zf.read("L0002_李娜.pdf"))
    err = capsys.readouterr().err
    assert "2/2" in err  # the progress bar, on stderr


def test_it_zips_only_what_the_web_reader_may_see(leaders, charlie, dora, client, django_capture_on_commit_callbacks):
    """On the web the zip is a background job (tests/jobs/test_dossier_zip.py)."""
    from jobs.models import Job
    from tests.jobs.conftest import work_queue

    client.force_login(charlie)
    assert client.get("/reports/units/5100/appraisals.zip?year=2009").status_code == 404
    assert client.post("/reports/units/5100/appraisals.zip?year=2009").status_code == 404
    client.force_login(dora)
    assert client.get("/reports/units/5100/appraisals.zip?year=2009").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/reports/units/5100/appraisals.zip?year=2009").status_code == 302
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            work_queue()
    job = Job.objects.get(owner=dora)
    response = client.get(f"/jobs/{job.pk}/download/")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as zf:
        assert len(zf.namelist()) == 2


def test_it_offers_the_dossier_on_the_officers_admin_page(leader, alice, client):
    client.force_login(alice)
    response = client.get(f"/admin/personnel/officer/{leader.pk}/change/")
    assert response.status_code == 200
    assert b"/reports/officers/L0001/appraisal.pdf" in response.content


def test_it_lists_the_officers_own_outcome_in_each_case_to_supervision_only(leader, officers, bob, dora, alice, client):
    # The conftest case names the leader; a colleague named in it too was
    # sent to the judiciary. The dossier of the leader shows the leader's
    # own category, status and sanction, never the colleague's.
    link = CaseOfficer.objects.get(officer=leader)
    CaseOfficer.objects.filter(pk=link.pk).update(status="concluded", sanction="警告处分")
    CaseOfficer.objects.create(
        case=link.case, officer=officers["5101"], category="crime", status="closed", sanction="移送司法机关"
    )
    client.force_login(bob)
    text = pdf_text(client.get(dossier_url("L0001")).content)
    assert re.search(r"AJ-2009-001 \(2009-05-04\)\s+违纪 · 已审结 · 警告处分", text)
    assert "移送司法机关" not in text and "犯罪" not in text
    assert re.search(r"违纪违法案件\s+1", text)
    # Leadership knows of cases only as counts (withheld here: fewer than
    # 5); HR not at all. Neither sees a case number or an outcome.
    for reader in (dora, alice):
        client.force_login(reader)
        text = pdf_text(client.get(dossier_url("L0001")).content)
        assert "AJ-2009-001" not in text and "警告处分" not in text and "已审结" not in text
