"""Writes, autocompletes, history reverts, per-record shares and query counts
in the admin, for the personas of tests/personnel/conftest.py."""

import datetime as dt
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.services import grant_create
from org.models import Unit
from org.roles import Role
from personnel.models import Officer, Posting
from tests.factories import OfficerFactory, PostingFactory, UserFactory
from tests.personnel.access_expectations import PERSONAS, READ, WRITE

# The admin app of the models these tests open that are not personnel's.
ADMIN_APP = {"unit": "org", "historicalunit": "org", "importlog": "core"}

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _officer_data(officer, **changes):
    data = {
        "staff_no": officer.staff_no,
        "name": officer.name,
        "gender": officer.gender,
        "birth_date": officer.birth_date.isoformat(),
        "unit": officer.unit_id,
        "rank_level": officer.rank_level,
        "position": officer.position,
        "hire_date": officer.hire_date.isoformat(),
        "leave_date": officer.leave_date.isoformat() if officer.leave_date else "",
        "user": officer.user_id or "",
        "_save": "1",
    }
    if officer.is_leader:
        data["is_leader"] = "on"
    data.update(changes)
    return data


def _unit_data(unit, **changes):
    data = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "supervisory_office": unit.supervisory_office_id or "",
        "_save": "1",
    }
    data.update(changes)
    return data


def _posting_data(posting, **changes):
    data = {
        "officer": posting.officer_id,
        "unit": posting.unit_id,
        "position": posting.position,
        "start_date": posting.start_date.isoformat(),
        "end_date": posting.end_date.isoformat() if posting.end_date else "",
        "post_risk": posting.post_risk,
        "_save": "1",
    }
    data.update(changes)
    return data


def _change(model_name, pk):
    return reverse(f"admin:{ADMIN_APP.get(model_name, 'personnel')}_{model_name}_change", args=[pk])


def _form_errors(response):
    return response.context["adminform"].form.errors


# --- writes


def test_it_refuses_a_change_posted_by_leadership(client, personas, world):
    officer = world["officer"]["5100"]
    response = _login(client, personas["leadership@0000"]).post(
        _change("officer", officer.pk), _officer_data(officer, name="改名")
    )
    # Leadership reads this record, so its existence is no secret: the
    # write is refused as Django's admin does, with 403, not hidden as 404.
    assert response.status_code == 403
    assert Officer.objects.get(pk=officer.pk).name == "广州海关关员"


@pytest.mark.parametrize("name", ["supervision@9100", "audit@9100", "leadership@9100", "officer-self"])
def test_it_refuses_writes_from_every_read_only_persona(client, personas, world, name):
    officer = world["officer"]["5201"]  # visible to all four
    c = _login(client, personas[name])
    assert c.get(_change("officer", officer.pk)).status_code == 200
    assert c.post(_change("officer", officer.pk), _officer_data(officer, name="改名")).status_code == 403
    assert c.post(reverse("admin:personnel_officer_add"), _officer_data(officer, staff_no="S9999")).status_code == 403
    assert c.post(reverse("admin:personnel_officer_delete", args=[officer.pk]), {"post": "yes"}).status_code == 403
    assert Officer.objects.filter(pk=officer.pk, name="皇岗海关关员").exists()
    assert not Officer.objects.filter(staff_no="S9999").exists()


def test_it_refuses_to_create_an_officer_in_a_unit_outside_the_grants(client, personas, world, tree):
    template = world["officer"]["5101"]
    c = _login(client, personas["hr@5100"])
    refused = c.post(
        reverse("admin:personnel_officer_add"), _officer_data(template, staff_no="S7777", unit=tree["0200"].pk)
    )
    assert refused.status_code == 200
    assert list(_form_errors(refused)) == ["unit"]
    assert not Officer.objects.filter(staff_no="S7777").exists()
    # The same data in a unit of the grant is accepted.
    accepted = c.post(
        reverse("admin:personnel_officer_add"), _officer_data(template, staff_no="S7777", unit=tree["5102"].pk)
    )
    assert accepted.status_code == 302
    assert Officer.objects.get(staff_no="S7777").unit.code == "5102"


def test_it_refuses_to_move_an_officer_out_of_scope(client, personas, world, tree):
    officer = world["officer"]["5101"]
    c = _login(client, personas["hr@5100"])
    refused = c.post(_change("officer", officer.pk), _officer_data(officer, unit=tree["5200"].pk))
    assert refused.status_code == 200
    assert list(_form_errors(refused)) == ["unit"]
    assert Officer.objects.get(pk=officer.pk).unit.code == "5101"
    # HR on the supervisory office covers both customs and may move them.
    moved = _login(client, personas["hr@9100"]).post(
        _change("officer", officer.pk), _officer_data(officer, unit=tree["5200"].pk)
    )
    assert moved.status_code == 302
    assert Officer.objects.get(pk=officer.pk).unit.code == "5200"


def test_it_refuses_a_posting_for_an_officer_outside_the_grants(client, personas, world, tree):
    c = _login(client, personas["hr@5100"])
    data = _posting_data(world["posting"]["5100"], officer=world["officer"]["0200"].pk, position="新岗位")
    response = c.post(reverse("admin:personnel_posting_add"), data)
    assert response.status_code == 200
    assert list(_form_errors(response)) == ["officer"]
    assert not Posting.objects.filter(position="新岗位").exists()


def test_it_lets_hr_edit_a_posting_held_at_a_customs_outside_their_scope(client, personas, world, tree):
    # 5100's officer came from Tianjin: the earlier posting stays at 0200.
    earlier = PostingFactory(
        officer=world["officer"]["5100"],
        unit=tree["0200"],
        position="天津岗位",
        start_date=dt.date(2001, 1, 1),
        end_date=dt.date(2004, 12, 31),
    )
    c = _login(client, personas["hr@5100"])
    page = c.get(_change("posting", earlier.pk))
    assert f'<option value="{tree["0200"].pk}" selected>' in page.content.decode()
    saved = c.post(_change("posting", earlier.pk), _posting_data(earlier, position="天津查验岗"))
    assert saved.status_code == 302
    earlier.refresh_from_db()
    assert (earlier.position, earlier.unit.code) == ("天津查验岗", "0200")
    # Keeping the unit it has is not a licence to pick another one outside.
    refused = c.post(_change("posting", earlier.pk), _posting_data(earlier, unit=tree["5200"].pk))
    assert list(_form_errors(refused)) == ["unit"]
    assert Posting.objects.get(pk=earlier.pk).unit.code == "0200"


def test_it_lets_hr_rename_the_customs_they_cover(client, personas, world, tree):
    gz = tree["5100"]
    c = _login(client, personas["hr@5100"])
    page = c.get(_change("unit", gz.pk)).content.decode()
    assert f'<option value="{tree["0000"].pk}" selected>' in page
    assert f'<option value="{tree["9100"].pk}" selected>' in page
    assert c.post(_change("unit", gz.pk), _unit_data(gz, name="广州海关（新）")).status_code == 302
    gz.refresh_from_db()
    assert (gz.name, gz.parent.code, gz.supervisory_office.code) == ("广州海关（新）", "0000", "9100")
    # Handing the customs to another supervisory office is outside the grant.
    refused = c.post(_change("unit", gz.pk), _unit_data(gz, supervisory_office=tree["9200"].pk))
    assert list(_form_errors(refused)) == ["supervisory_office"]
    assert Unit.objects.get(pk=gz.pk).supervisory_office.code == "9100"


def test_it_refuses_to_move_a_unit_below_one_outside_the_grants(client, personas, world, tree):
    hp = tree["5101"]
    response = _login(client, personas["hr@5100"]).post(_change("unit", hp.pk), _unit_data(hp, parent=tree["0200"].pk))
    assert list(_form_errors(response)) == ["parent"]
    assert Unit.objects.get(pk=hp.pk).parent.code == "5100"


def test_it_does_not_delete_a_visible_read_only_record_through_the_bulk_action(client, world, tree):
    # HR of 5100 who also supervises for 9100 sees 5200's officer but may
    # not change it; the bulk action must check each record.
    mixed = UserFactory(username="mia")
    grant_create(user=mixed, role=Role.HR, unit=tree["5100"])
    grant_create(user=mixed, role=Role.SUPERVISION, unit=tree["9100"])
    c = _login(client, mixed)
    target = world["officer"]["5200"]
    response = c.post(
        reverse("admin:personnel_officer_changelist"),
        {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Officer.objects.filter(pk=target.pk).exists()
    own = world["officer"]["5102"]
    response = c.post(
        reverse("admin:personnel_officer_changelist"),
        {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Officer.objects.filter(pk=own.pk).exists()


# --- the delete confirmation names only what the user may see


def _delete_page(client, model_name, pk):
    response = client.get(reverse(f"admin:{ADMIN_APP.get(model_name, 'personnel')}_{model_name}_delete", args=[pk]))
    assert response.status_code == 200
    return response


def test_it_does_not_name_complaints_on_an_officers_delete_page(client, personas, world):
    from integrity.models import Complaint

    officer = world["officer"]["5100"]
    Complaint.objects.create(officer=officer, received_date=dt.date(2009, 5, 4))
    response = _delete_page(_login(client, personas["hr@5100"]), "officer", officer.pk)
    # HR may not learn that the officer is the subject of a complaint; the
    # deletion is blocked without saying by what.
    assert [str(p) for p in response.context["protected"]] == ["您无权查看的记录"]  # "records you may not see"
    assert "2009-05-04" not in response.content.decode()
    # Supervision, who may see complaints, would be told (superuser here:
    # supervision holds no write grant on officers).
    response = _delete_page(_login(client, personas["superuser"]), "officer", officer.pk)
    assert any("2009-05-04" in str(p) for p in response.context["protected"])


def test_it_does_not_name_an_out_of_scope_posting_on_a_units_delete_page(client, personas, world, tree):
    PostingFactory(officer=world["officer"]["0200"], unit=tree["5101"], position="曾在黄埔的岗位")
    response = _delete_page(_login(client, personas["hr@5100"]), "unit", tree["5101"].pk)
    shown = [str(p) for p in response.context["protected"]]
    assert "您无权查看的记录" in shown  # "records you may not see"
    assert "曾在黄埔的岗位" not in response.content.decode()
    # What alice may see is still listed: 5101's officer, posting, child unit, political work.
    assert sum("S5101" in p for p in shown) == 1
    assert sum("P5101" in p for p in shown) == 1
    assert sum("5102" in p for p in shown) == 1


def test_it_lists_a_deletion_inside_the_grants_as_django_does(client, personas, world):
    officer = world["officer"]["5102"]
    response = _delete_page(_login(client, personas["hr@5100"]), "officer", officer.pk)
    assert response.context["protected"] == []
    assert response.context["perms_lacking"] == set()
    counts = {str(k): v for k, v in response.context["model_count"]}
    # The officer and their one posting, reserve entry, appraisal and course.
    assert sorted(counts.values()) == [1, 1, 1, 1, 1]
    client.post(reverse("admin:personnel_officer_delete", args=[officer.pk]), {"post": "yes"})
    assert not Officer.objects.filter(pk=officer.pk).exists()


# --- history: reverting is a write


def _two_versions(officer):
    officer.position = "副科长"
    officer.save()
    return officer.history.earliest("history_date")


def _revert_url(officer, version):
    return reverse("admin:personnel_officer_simple_history", args=[officer.pk, version.history_id])


@pytest.mark.parametrize("name", ["leadership@0000", "supervision@9100", "officer-self"])
def test_it_refuses_a_revert_from_a_read_only_persona(client, personas, world, name):
    officer = world["officer"]["5201"]
    first = _two_versions(officer)
    c = _login(client, personas[name])
    assert c.get(_revert_url(officer, first)).status_code == 200
    assert c.post(_revert_url(officer, first), _officer_data(officer, position="科员")).status_code == 403
    assert Officer.objects.get(pk=officer.pk).position == "副科长"


def test_it_lets_hr_revert_in_scope_but_not_back_out_of_it(client, personas, world, tree):
    officer = world["officer"]["5101"]
    first = _two_versions(officer)
    c = _login(client, personas["hr@5100"])
    reverted = c.post(_revert_url(officer, first), _officer_data(officer, position="科员"))
    assert reverted.status_code == 302
    assert Officer.objects.get(pk=officer.pk).position == "科员"

    # Tianjin's officer moves to 5100; HR of 5100 may not revert the move.
    mover = world["officer"]["0200"]
    in_tianjin = mover.history.latest("history_date")
    mover.unit = tree["5100"]
    mover.save()
    response = c.post(_revert_url(mover, in_tianjin), _officer_data(mover, unit=tree["0200"].pk))
    assert list(_form_errors(response)) == ["unit"]
    assert Officer.objects.get(pk=mover.pk).unit.code == "5100"


def test_it_shows_a_deleted_records_history_to_superusers_only(client, personas, world):
    officer = world["officer"]["5102"]
    pk = officer.pk
    officer.delete()
    url = reverse("admin:personnel_officer_history", args=[pk])
    assert _login(client, personas["superuser"]).get(url).status_code == 200
    assert _login(client, personas["hr@5100"]).get(url).status_code == 404


# --- autocomplete


def _autocomplete(c, model_name, field_name, term=""):
    response = c.get(
        reverse("admin:autocomplete"),
        {"app_label": "personnel", "model_name": model_name, "field_name": field_name, "term": term},
    )
    if response.status_code != 200:
        return response.status_code, None
    return 200, {row["text"] for row in json.loads(response.content)["results"]}


def _officer_texts(world, codes):
    return {str(world["officer"][code]) for code in codes}


@pytest.mark.parametrize("name", PERSONAS)
def test_it_offers_in_autocomplete_only_officers_the_form_accepts(client, personas, world, name):
    status, texts = _autocomplete(_login(client, personas[name]), "posting", "officer")
    if not READ[name]["officer"]:
        assert status == 403
        return
    assert status == 200
    # A posting may be written only for an officer in the HR write scope.
    assert texts == _officer_texts(world, WRITE[name]["officer"])


@pytest.mark.parametrize("name", PERSONAS)
def test_it_offers_in_autocomplete_only_units_the_form_accepts(client, personas, world, name, tree):
    status, texts = _autocomplete(_login(client, personas[name]), "officer", "unit")
    if not READ[name]["unit"]:
        assert status == 403
        return
    assert status == 200
    assert texts == {str(tree[code]) for code in WRITE[name]["unit"]}


def test_it_searches_the_autocomplete_within_the_choices(client, personas, world):
    assert _autocomplete(_login(client, personas["hr@9100"]), "posting", "officer", "S52")[1] == _officer_texts(
        world, {"5200", "5201"}
    )
    assert _autocomplete(_login(client, personas["hr@5100"]), "posting", "officer", "S52")[1] == set()
    assert _autocomplete(_login(client, personas["hr@5100"]), "posting", "officer", "S0200")[1] == set()


# --- per-record shares


def test_it_shows_a_shared_record_and_nothing_else_to_a_user_without_grants(client, world):
    guest = UserFactory(username="guest")
    shared = world["officer"]["0200"]
    assign_perm("personnel.view_officer", guest, shared)
    c = _login(client, guest)
    listing = c.get(reverse("admin:personnel_officer_changelist"))
    assert listing.status_code == 200
    assert [o.staff_no for o in listing.context["cl"].result_list] == ["S0200"]
    assert c.get(_change("officer", shared.pk)).status_code == 200
    assert c.get(_change("officer", world["officer"]["5100"].pk)).status_code == 404
    # Read-only: a share is a view permission.
    assert c.post(_change("officer", shared.pk), _officer_data(shared, name="改名")).status_code == 403
    # Sharing the officer does not share the career.
    assert c.get(reverse("admin:personnel_posting_changelist")).status_code == 403
    assert c.get(_change("posting", world["posting"]["0200"].pk)).status_code == 404


def test_it_adds_a_shared_record_to_what_the_grants_show(client, personas, world):
    alice = personas["hr@5100"]
    assign_perm("personnel.view_posting", alice, world["posting"]["0200"])
    listing = _login(client, alice).get(reverse("admin:personnel_posting_changelist"))
    assert {p.position for p in listing.context["cl"].result_list} == {"P5100", "P5101", "P5102", "P0200"}
    # Shared to read, not to write; and not a choice on alice's forms.
    assert client.get(reverse("admin:personnel_posting_delete", args=[world["posting"]["0200"].pk])).status_code == 403
    assert _autocomplete(client, "posting", "officer", "S0200")[1] == set()


# --- the index shows only what the persona may read


@pytest.mark.parametrize(
    "name, models",
    [
        ("hr@5100", {"Unit", "Officer", "Posting", "ReserveCadre", "LeaderAppraisal"}),
        ("supervision@9100", {"Unit", "Officer"}),
        ("officer-self", {"Officer", "Posting", "LeaderAppraisal"}),
        ("no grant", set()),
    ],
)
def test_it_lists_on_the_index_only_the_kinds_the_persona_reads(client, personas, name, models):
    response = _login(client, personas[name]).get(reverse("admin:index"))
    shown = {
        m["object_name"]
        for app in response.context["app_list"]
        if app["app_label"] in ("org", "personnel")
        for m in app["models"]
    }
    assert shown == models


# --- structure: no admin offers an unscoped list of related records


def test_it_filters_lists_by_related_records_only_through_the_scoped_queryset():
    from django.contrib import admin
    from django.contrib.admin import RelatedOnlyFieldListFilter

    from core.admin_base import ScopedAdmin

    unscoped = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ScopedAdmin):
            continue
        for entry in model_admin.list_filter:
            path, filter_class = entry if isinstance(entry, tuple) else (entry, None)
            if not isinstance(path, str):
                continue
            field = model._meta.get_field(path.split("__")[0])
            # A plain related filter lists every unit or officer in the
            # service, whatever the user's grants.
            if field.is_relation and filter_class is not RelatedOnlyFieldListFilter:
                unscoped.append(f"{model.__name__}.{path}")
    assert unscoped == []


# --- query counts


def _changelist_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("admin:personnel_officer_changelist"))
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["cl"].result_list)


@pytest.mark.parametrize("persona_fixture", ["alice", "dora"])
def test_it_lists_officers_in_a_constant_number_of_queries(
    client, tree, persona_fixture, request, django_assert_max_num_queries
):
    user = request.getfixturevalue(persona_fixture)
    c = _login(client, user)
    for _ in range(5):
        OfficerFactory(unit=tree["5101"])
    _changelist_queries(c)  # warm the per-process caches (content types)
    few, shown_few = _changelist_queries(c)
    for _ in range(45):
        OfficerFactory(unit=tree["5102"])
    many, shown_many = _changelist_queries(c)
    assert (shown_few, shown_many) == (5, 50)
    assert many == few
    # 17 today (session, user, one lookup per role set and the sidebar of
    # every registered admin); an N+1 on the 50 rows would add 50.
    with django_assert_max_num_queries(20):
        c.get(reverse("admin:personnel_officer_changelist"))


def test_it_writes_no_admin_log_for_reads(client, personas, world):
    # Guard against a read surface that writes (e.g. a revert on GET).
    before = LogEntry.objects.count()
    c = _login(client, personas["leadership@0000"])
    officer = world["officer"]["5100"]
    c.get(_change("officer", officer.pk))
    c.get(_revert_url(officer, officer.history.latest("history_date")))
    assert LogEntry.objects.count() == before


def test_it_lets_only_a_superuser_link_an_account_to_an_officer(client, alice, officers):
    from personnel.models import Officer

    officer = officers["5100"]
    intruder = type(alice).objects.create_user("intruder", password="pw")
    client.force_login(alice)
    url = f"/admin/personnel/officer/{officer.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="user"' not in page.content.decode()
    data = {f: page.context["adminform"].form.initial.get(f) or "" for f in page.context["adminform"].form.fields}
    data.update(user=intruder.pk, unit=officer.unit_id, is_leader="")
    data = {k: v for k, v in data.items() if v not in (None, False)}
    client.post(url, data)
    assert Officer.objects.get(pk=officer.pk).user_id is None


def test_it_answers_404_for_a_malformed_id_on_integrity_history(client, tree):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/admin/integrity/case/not-a-number/history/").status_code == 404
