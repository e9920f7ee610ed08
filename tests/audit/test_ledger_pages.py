"""The ledger's pages and the evidence attachments (佐证材料) of items and cases.

Personas as in test_rectification.py; the evidence storage is the test
settings' throwaway folder.
"""

import datetime as dt
import hashlib
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from audit.models import RectificationEvidence, RectificationItem
from audit.services import rectification_attach, rectification_create
from core.evidence import evidence_verify
from integrity.models import AccessLog, CaseEvidence, RiskAlert
from integrity.services import case_evidence_attach
from org.roles import Role
from tests.audit.factories import AuditFactory, FindingFactory, user_with_grant
from tests.factories import OfficerFactory
from tests.integrity.factories import RiskAlertFactory, case_naming

pytestmark = pytest.mark.django_db
D = dt.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture
def evidence_root(settings):
    return Path(settings.STORAGES["evidence"]["OPTIONS"]["location"])


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(tree):
    users = {
        "erin": user_with_grant("erin", Role.AUDIT, tree["5100"]),
        "hank": user_with_grant("hank", Role.AUDIT, tree["0200"]),
        "sam": user_with_grant("sam", Role.SUPERVISION, tree["9100"]),
        "tina": user_with_grant("tina", Role.SUPERVISION, tree["0200"]),
        "rita": user_with_grant("rita"),
        "otto": user_with_grant("otto"),
    }
    users["rita_officer"] = OfficerFactory(staff_no="R5101", name="整改责任人", unit=tree["5101"], user=users["rita"])
    OfficerFactory(staff_no="O5101", unit=tree["5101"], user=users["otto"])
    return users


@pytest.fixture
def items(people, tree):
    here = rectification_create(
        department="audit",
        unit=tree["5101"],
        officer=people["rita_officer"],
        description="黄埔库存账实不符",
        measures="盘点调账",
        deadline=D(2099, 6, 30),
        acting_user=people["erin"],
    )
    there = rectification_create(
        department="audit",
        unit=tree["0200"],
        officer=OfficerFactory(unit=tree["0200"]),
        description="天津票据管理不规范",
        measures="整改",
        deadline=D(2099, 6, 30),
        acting_user=people["hank"],
    )
    return {"here": here, "there": there}


def test_it_lists_only_the_items_in_scope(client, items, people):
    client.force_login(people["erin"])
    page = client.get(reverse("audit:ledger")).content.decode()
    assert "黄埔库存账实不符" in page and "天津票据管理不规范" not in page
    # A unit outside the grants lists nothing and says only that it is not in scope.
    response = client.get(reverse("audit:ledger"), {"unit": "0200"})
    assert list(response.context["rows"]) == [] and "天津票据管理不规范" not in response.content.decode()
    # The responsible person sees their own item without any grant.
    client.force_login(people["rita"])
    assert [item for _n, item, _c in client.get(reverse("audit:ledger")).context["rows"]] == [items["here"]]


def test_it_answers_404_for_an_item_out_of_scope(client, items, people):
    client.force_login(people["erin"])
    assert client.get(reverse("audit:ledger_item", args=[items["there"].pk])).status_code == 404
    assert client.get(reverse("audit:ledger_item", args=[999999])).status_code == 404
    assert client.post(reverse("audit:ledger_action", args=[items["there"].pk, "close"])).status_code == 404
    client.force_login(people["otto"])
    assert client.get(reverse("audit:ledger_item", args=[items["here"].pk])).status_code == 404


def test_it_walks_the_workflow_through_the_pages(client, items, people):
    item = items["here"]
    client.force_login(people["rita"])
    client.post(reverse("audit:ledger_action", args=[item.pk, "report"]), {"progress": "已盘点"})
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.PENDING
    # Supervision sees the ledger but the item is audit's to verify: refused, unchanged.
    client.force_login(people["sam"])
    client.post(reverse("audit:ledger_action", args=[item.pk, "close"]))
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.PENDING
    client.force_login(people["erin"])
    client.post(reverse("audit:ledger_action", args=[item.pk, "close"]))
    item.refresh_from_db()
    assert (item.status, item.verifier) == (RectificationItem.Status.CLOSED, people["erin"])


def test_it_exports_the_ledger_in_the_usual_layout(client, items, people):
    client.force_login(people["erin"])
    response = client.get(reverse("audit:ledger_export"), {"unit": "5100"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[2][:9] == (
        "序号",
        "问题来源",
        "问题描述",
        "整改措施",
        "责任单位",
        "责任人",
        "整改时限",
        "整改状态",
        "销号日期",
    )
    assert [(r[0], r[2], r[4], r[5], r[7]) for r in rows[3:]] == [
        (1, "黄埔库存账实不符", "黄埔海关", "整改责任人", "整改中")
    ]
    assert "天津票据管理不规范" not in str(rows)


def test_it_opens_an_item_from_a_finding_through_the_page(client, people, tree):
    finding = FindingFactory(audit=AuditFactory(unit=tree["5101"]), description="公务接待超标", deadline=D(2099, 1, 31))
    client.force_login(people["hank"])
    assert client.get(reverse("audit:ledger_new"), {"finding": finding.pk}).status_code == 404
    client.force_login(people["otto"])
    assert client.get(reverse("audit:ledger_new")).status_code == 404
    client.force_login(people["erin"])
    url = f"{reverse('audit:ledger_new')}?finding={finding.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "department": "audit",
            "unit": "5101",
            "officer": "R5101",
            "measures": "退赔",
            "description": "",
            "deadline": "",
        },
    )
    item = finding.rectifications.get()
    assert response.url == reverse("audit:ledger_item", args=[item.pk])
    assert (item.description, item.deadline, item.officer) == ("公务接待超标", D(2099, 1, 31), people["rita_officer"])


# --- Evidence ------------------------------------------------------------------


def test_it_stores_evidence_with_its_hash_outside_every_public_url(client, items, people, settings, evidence_root):
    item = items["here"]
    client.force_login(people["rita"])
    client.post(
        reverse("audit:ledger_action", args=[item.pk, "upload"]),
        {"file": SimpleUploadedFile("盘点表.pdf", PDF, content_type="application/pdf"), "description": "盘点表"},
    )
    evidence = item.evidence.get()
    assert (evidence.original_name, evidence.content_type, evidence.size) == ("盘点表.pdf", "application/pdf", len(PDF))
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    page = client.get(reverse("audit:ledger_item", args=[item.pk])).content.decode()
    assert evidence.sha256 in page
    stored = Path(evidence.file.path)
    assert stored.read_bytes() == PDF and evidence_root in stored.parents
    assert Path(settings.STATIC_ROOT) not in stored.parents
    # No static or media URL reaches it; the only way is the checked view.
    for prefix in ("/static/", "/media/", "/"):
        assert client.get(prefix + evidence.file.name).status_code == 404
    download = client.get(reverse("audit:evidence_download", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    # A change behind the system's back no longer matches the recorded hash.
    assert evidence_verify(evidence)
    stored.write_bytes(PDF + b"tampered")
    assert not evidence_verify(evidence)


def test_it_answers_404_for_evidence_out_of_scope(client, items, people):
    evidence = rectification_attach(
        item=items["here"], upload=SimpleUploadedFile("a.png", PNG), acting_user=people["rita"]
    )
    url = reverse("audit:evidence_download", args=[evidence.pk])
    for name in ("hank", "otto"):
        client.force_login(people[name])
        assert client.get(url).status_code == 404
    client.force_login(people["erin"])
    assert client.get(url).status_code == 200


def test_it_lets_only_the_responsible_person_upload(items, people):
    with pytest.raises(PermissionDenied):
        rectification_attach(item=items["here"], upload=SimpleUploadedFile("a.pdf", PDF), acting_user=people["erin"])
    assert RectificationEvidence.objects.count() == 0


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("程序.exe", b"MZ\x90\x00" + b"\x00" * 60, "not a file type"),
        ("伪装.pdf", b"MZ\x90\x00" + b"\x00" * 60, "not a file type"),
        ("说明.txt", "纯文本".encode(), "not a file type"),
        ("图片.pdf", PNG, "does not contain what its name says"),
    ],
)
def test_it_refuses_a_forbidden_type_by_its_content(items, people, english, name, content, message):
    with pytest.raises(ValidationError, match=message):
        rectification_attach(item=items["here"], upload=SimpleUploadedFile(name, content), acting_user=people["rita"])
    assert RectificationEvidence.objects.count() == 0


def test_it_refuses_an_oversize_file(items, people, settings, english):
    settings.EVIDENCE_MAX_BYTES = len(PDF) - 1
    with pytest.raises(ValidationError, match="largest file accepted"):
        rectification_attach(item=items["here"], upload=SimpleUploadedFile("a.pdf", PDF), acting_user=people["rita"])
    settings.EVIDENCE_MAX_BYTES = len(PDF)
    assert rectification_attach(
        item=items["here"], upload=SimpleUploadedFile("a.pdf", PDF), acting_user=people["rita"]
    ).size == len(PDF)


def test_it_logs_every_download_of_case_evidence_and_hides_it_out_of_scope(client, people, tree):
    suspect = OfficerFactory(unit=tree["5101"], user=user_with_grant("suspect", Role.SUPERVISION, tree["9100"]))
    case = case_naming(suspect, case_no="AJ-2009-1")
    evidence = case_evidence_attach(case=case, upload=SimpleUploadedFile("笔录.pdf", PDF), acting_user=people["sam"])
    assert (evidence.sha256, CaseEvidence.objects.count()) == (hashlib.sha256(PDF).hexdigest(), 1)
    url = reverse("integrity:case_evidence_download", args=[evidence.pk])
    client.force_login(people["sam"])
    before = AccessLog.objects.count()
    assert b"".join(client.get(url).streaming_content) == PDF
    row = AccessLog.objects.order_by("-pk").first()
    assert (AccessLog.objects.count(), row.record_kind, row.object_ids, row.user) == (
        before + 1,
        "integrity.caseevidence",
        str(evidence.pk),
        people["sam"],
    )
    page = client.get(reverse("integrity:case_evidence", args=[case.pk]))
    assert evidence.sha256 in page.content.decode()
    # Tianjin's supervisor, the auditor and the officer named in the case: 404.
    for user in (people["tina"], people["erin"], suspect.user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("integrity:case_evidence", args=[case.pk])).status_code == 404
    with pytest.raises(type(case).DoesNotExist):
        case_evidence_attach(case=case, upload=SimpleUploadedFile("x.pdf", PDF), acting_user=people["tina"])


def test_it_opens_an_item_from_a_closed_alert_through_the_page_and_logs_the_read(client, people, tree):
    alert = RiskAlertFactory(
        officer=OfficerFactory(unit=tree["5101"]),
        status=RiskAlert.Status.CLOSED,
        disposition=RiskAlert.Disposition.ACTION_TAKEN,
        note="已约谈",
    )
    client.force_login(people["erin"])  # audit: alerts are not theirs to see
    assert client.get(reverse("audit:ledger_new"), {"alert": alert.pk}).status_code == 404
    client.force_login(people["sam"])
    url = f"{reverse('audit:ledger_new')}?alert={alert.pk}"
    before = AccessLog.objects.filter(record_kind="integrity.riskalert").count()
    assert client.get(url).status_code == 200
    assert AccessLog.objects.filter(record_kind="integrity.riskalert").count() == before + 1
    # The form's department is overridden by the source's: supervision.
    client.post(
        url,
        {
            "department": "audit",
            "unit": "5101",
            "officer": "R5101",
            "measures": "轮岗",
            "description": "查验岗位长期未轮岗",
            "deadline": "2099-03-31",
        },
    )
    item = alert.rectifications.get()
    assert (item.department, item.unit, item.deadline) == ("supervision", tree["5101"], D(2099, 3, 31))
