"""The one rule for list lookups (core/admin_base.py, DeclaredLookupsOnly),
on worked examples, and the crashes of typed URLs.

Service of tests/security/conftest.py: hr covers 5100-5102, where officer
S5100 (the suspect) has a complaint, a case and an alert, and S5101 (the
officer account) has a case, a complaint and an alert; S5102 is a reserve
cadre. Every example below would, without the rule, list one or two officers
out of the five the user's officer list holds; with it the filter is dropped
with a message naming it, and the list or export stays whole.
"""

import csv
import io

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages

from core.admin_base import DeclaredLookupsOnly
from integrity.models import Complaint, RiskAlert
from personnel.models import Officer

OFFICERS = "/admin/personnel/officer/"
EXPORT = "/admin/personnel/officer/export/"

EXAMPLES = [
    ("hr", "complaints__isnull=False"),
    ("hr", "risk_alerts__isnull=False"),
    ("leader", "case_links__isnull=False"),
    ("officer", "case_links__isnull=False"),
    ("officer", "complaints__isnull=False"),
    ("suspect", "case_links__isnull=False"),
    ("supervisor", "reserve_entries__isnull=False"),
]


def _login(client, service, persona):
    client.force_login(service.users[persona])
    return client


def _export_rows(client, query=""):
    page = client.get(EXPORT)
    form = page.context["form"]
    data = {
        "format": next(v for v, label in form.fields["format"].choices if str(label).lower() == "csv"),
        "resource": form.fields["resource"].initial or 0,
        # The canonical column names (the Chinese interface defaults to Chinese headers).
        "headers": "codes",
    }
    for name, field in form.fields.items():
        if getattr(field, "is_selectable_field", False) and field.resource_index == int(data["resource"]):
            data[name] = "on"
    response = client.post(f"{EXPORT}?{query}" if query else EXPORT, data)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.mark.parametrize("persona, query", EXAMPLES)
def test_it_drops_a_reverse_relation_filter_on_the_officer_list(client, service, persona, query):
    _login(client, service, persona)
    response = client.get(f"{OFFICERS}?{query}")
    assert response.status_code == 302
    assert response["Location"] == OFFICERS
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(shown) == 1 and query.split("=")[0] in shown[0]
    # The list it lands on is the user's whole list, not the filtered one.
    whole = client.get(OFFICERS)
    visible = set(Officer.objects.visible_to(service.users[persona]).values_list("staff_no", flat=True))
    assert {o.staff_no for o in whole.context["cl"].result_list} == visible


def test_the_lists_hold_what_was_worked_out_by_hand(client, service):
    """The whole lists the examples land on: hr and the supervisors see the
    four officers of Guangdong or 5100's subtree, the officer only himself."""
    expected = {
        "hr": {"S5100", "S5101", "S5102"},
        "leader": {"S5100", "S5101", "S5102", "S5200", "S0200"},
        "officer": {"S5101"},
        "suspect": {"S5100", "S5101", "S5102", "S5200"},
        "supervisor": {"S5100", "S5101", "S5102", "S5200"},
    }
    for persona, staff_nos in expected.items():
        _login(client, service, persona)
        assert {o.staff_no for o in client.get(OFFICERS).context["cl"].result_list} == staff_nos, persona


@pytest.mark.parametrize("persona, query", EXAMPLES)
def test_it_drops_a_reverse_relation_filter_on_the_officer_export(client, service, persona, query):
    _login(client, service, persona)
    response, _content = _export_rows(client, query)
    assert response.status_code == 302
    assert response["Location"] == EXPORT
    whole, content = _export_rows(client)
    assert whole.status_code == 200
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    visible = set(Officer.objects.visible_to(service.users[persona]).values_list("staff_no", flat=True))
    assert {row["staff_no"] for row in rows} == visible


def test_it_keeps_a_declared_filter_and_its_own_parameters(client, service):
    _login(client, service, "hr")
    Officer.objects.filter(staff_no="S5101").update(is_leader=True)
    response = client.get(f"{OFFICERS}?is_leader__exact=1")
    assert [o.staff_no for o in response.context["cl"].result_list] == ["S5101"]
    response = client.get(f"{OFFICERS}?hire_date__year=2000&hire_date__month=7")
    assert {o.staff_no for o in response.context["cl"].result_list} == {"S5100", "S5101", "S5102"}


def test_it_drops_a_declared_filter_walking_on_into_the_related_kind(client, service):
    # unit__exact-style parameters reach the related record only by its key.
    _login(client, service, "admin")
    response = client.get("/admin/integrity/riskalert/?rule__exact=repeated_complaints&officer__name=x")
    assert response.status_code == 302


def test_it_sorts_only_by_a_declared_column(client, service):
    """``?o=`` indexes list_display; a column that is not sortable
    (the case's officer count) does not reorder the list."""
    _login(client, service, "supervisor")
    default = client.get("/admin/integrity/case/")
    by_count = client.get("/admin/integrity/case/?o=5")  # 0 is the action checkbox
    assert [c.pk for c in by_count.context["cl"].result_list] == [c.pk for c in default.context["cl"].result_list]


def test_every_admin_follows_the_rule_and_declares_only_forward_lookups(rf, service):
    """Every registered admin, the auth admins included, inherits the rule,
    and for a superuser no declared filter or search is dropped: a reverse
    relation in a declaration fails here instead of vanishing silently."""
    request = rf.get("/")
    request.user = service.users["admin"]
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, DeclaredLookupsOnly), model
        assert list(model_admin.get_search_fields(request)) == list(model_admin.search_fields), model
        declared = [f[0] if isinstance(f, (list, tuple)) else f for f in model_admin.list_filter]
        kept = [f[0] if isinstance(f, (list, tuple)) else f for f in model_admin.get_list_filter(request)]
        assert kept == declared, model


def test_it_drops_a_search_field_into_a_kind_the_user_may_not_read(rf, service):
    """The rule on a declaration: a search over the officer's complaints
    would be dropped for HR and kept for supervision."""
    officer_admin = admin.site._registry[Officer]
    request = rf.get("/")
    request.user = service.users["hr"]
    assert not officer_admin.lookup_path_allowed(request, "complaints__received_date")  # reverse
    assert officer_admin.lookup_path_allowed(request, "unit__code")
    complaint_admin = admin.site._registry[Complaint]
    assert complaint_admin.lookup_path_allowed(request, "officer__name")  # hr may read officers
    request = rf.get("/")  # the admin answers each question once per request
    request.user = service.users["officer"]
    assert not complaint_admin.lookup_path_allowed(request, "officer__unit__code")  # no grant to read units


# --- no 500 from a URL a user can type


@pytest.mark.parametrize(
    "url, message",
    [
        ("/admin/integrity/case/?p=999", False),
        ("/admin/integrity/complaint/?p=999", False),
        ("/admin/integrity/riskalert/?p=abc", False),
        ("/admin/integrity/case/?unit=1", True),
        ("/admin/integrity/case/?nosuchfield=1", True),
        ("/admin/integrity/case/?opened_date__year=abc", True),
        ("/admin/integrity/case/?status=zzz&p=999", False),
        ("/admin/integrity/inspection/?passed__exact=maybe", True),
    ],
)
def test_the_integrity_lists_answer_bad_query_strings_with_a_message(client, service, url, message):
    """A page past the end shows the last one (one page here); a filter the
    list does not take, or a value it cannot use, shows the whole list with
    a message."""
    _login(client, service, "supervisor")
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert response.context["cl"] is not None
    assert bool([str(m) for m in response.context["messages"]]) is message


def test_the_export_answers_a_bad_filter_value_with_a_message(client, service):
    _login(client, service, "hr")
    page = client.get(EXPORT)
    assert page.status_code == 200
    response, _content = _export_rows(client, "hire_date__year=abc")
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "url",
    [
        "/audit/plan/?as_of=0001-01-01",
        "/audit/plan/?as_of=9999-12-31",
        "/audit/plan/?as_of=abc",
    ],
)
def test_the_audit_plan_answers_an_out_of_range_date_with_a_message(client, service, url):
    _login(client, service, "auditor")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["problem"]


def test_a_version_id_that_is_not_a_number_answers_404(client, service):
    _login(client, service, "hr")
    pk = Officer.objects.get(staff_no="S5101").pk
    assert client.get(f"/admin/personnel/officer/{pk}/history/abc/").status_code == 404


def test_the_alert_revert_page_does_not_offer_the_readers_own_case(client, service):
    _login(client, service, "suspect")
    alert = RiskAlert.objects.get(officer__staff_no="S5101")
    version = alert.history.first().history_id
    response = client.get(f"/admin/integrity/riskalert/{alert.pk}/history/{version}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "AJ-OFFICER-5101" in body and "AJ-SUSPECT-5100" not in body
