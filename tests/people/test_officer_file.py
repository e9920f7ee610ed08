"""The officer's file gives each persona exactly what access.md allows, and
writes the access log where it shows integrity records."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from integrity.models import AccessLog
from personnel.models import Posting
from tests.factories import LeaderAppraisalFactory, PostingFactory
from tests.integrity.factories import ComplaintFactory
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db


def file_url(staff_no="S5101W", year=2009):
    return reverse("people:officer_file", args=[staff_no]) + f"?year={year}"


def read(client, user, url=None):
    client.force_login(user)
    return client.get(url or file_url())


def sections(response) -> set[str]:
    page = response.content.decode()
    names = ["profile", "postings", "training", "appraisals", "reserve", "integrity", "audits"]
    return {name for name in names if f'id="{name}"' in page}


def logged(user) -> dict[str, str]:
    return {row.record_kind: row.object_ids for row in AccessLog.objects.filter(username=user.username)}


def test_it_shows_hr_the_career_and_nothing_of_cases(client, alice, career):
    response = read(client, alice)
    assert response.status_code == 200
    page = response.content.decode()
    assert sections(response) == {"profile", "postings", "training", "appraisals", "reserve"}
    assert "查验岗" in page and "政治理论" in page and "92.5" in page
    assert "AJ-WANG-1" not in page
    assert reverse("integrity:alert_detail", args=[career["alert"].pk]) not in page
    assert "SJ-WANG-1" not in page
    # HR adds training and postings from the file.
    assert 'action="/people/officers/S5101W/training/"' in page
    assert 'action="/people/officers/S5101W/postings/"' in page
    assert logged(alice) == {}


def test_it_shows_supervision_the_integrity_records_and_logs_them(client, bob, career):
    response = read(client, bob)
    assert response.status_code == 200
    page = response.content.decode()
    # Profile only of the career (access.md), with the integrity records.
    assert sections(response) == {"profile", "integrity"}
    assert "查验岗" not in page and "政治理论" not in page
    assert "AJ-WANG-1" in page
    assert reverse("integrity:alert_detail", args=[career["alert"].pk]) in page
    assert "2009-05-01" in page  # the complaint
    assert "action=" not in page.split('id="profile"')[1]  # no HR forms
    assert logged(bob) == {
        "integrity.case": str(career["case"].pk),
        "integrity.complaint": str(career["complaint"].pk),
        "integrity.riskalert": str(career["alert"].pk),
    }
    assert set(AccessLog.objects.filter(username="bob").values_list("action", flat=True)) == {"view"}


def test_it_leaves_out_of_a_supervisors_list_the_case_naming_himself(client, bob, career, tree):
    from tests.factories import OfficerFactory
    from tests.integrity.factories import case_naming

    OfficerFactory(unit=tree["5200"], user=bob, name="鲍勃")
    both = case_naming(career["officer"], bob.officer, case_no="AJ-BOTH")
    response = read(client, bob)
    assert "AJ-WANG-1" in response.content.decode()
    assert "AJ-BOTH" not in response.content.decode()
    assert str(both.pk) not in logged(bob)["integrity.case"].split(",")


def test_it_gives_leadership_everything_but_case_details(client, dora, career):
    response = read(client, dora)
    page = response.content.decode()
    assert sections(response) == {"profile", "postings", "training", "appraisals", "reserve", "integrity", "audits"}
    assert "AJ-WANG-1" not in page
    assert 'id="integrity-withheld"' in page
    assert reverse("integrity:alert_detail", args=[career["alert"].pk]) not in page
    assert "SJ-WANG-1" in page
    assert "action=" not in page.split('id="profile"')[1]
    assert logged(dora) == {}


def test_it_shows_audit_the_profile_and_audits_of_tenure(client, gina, career):
    response = read(client, gina)
    assert sections(response) == {"profile", "audits"}
    page = response.content.decode()
    assert "SJ-WANG-1" in page and "AJ-WANG-1" not in page and "查验岗" not in page


def test_it_answers_404_outside_the_grants_as_for_no_officer(client, charlie, career):
    assert read(client, charlie).status_code == 404
    assert read(client, charlie, file_url("S-NOSUCH")).status_code == 404


def test_it_shows_the_officer_their_own_career_without_integrity_or_reserve(client, career):
    response = read(client, career["officer"].user)
    assert sections(response) == {"profile", "postings", "training", "appraisals"}
    page = response.content.decode()
    assert "AJ-WANG-1" not in page and "action=" not in page.split('id="profile"')[1]
    assert logged(career["officer"].user) == {}


def test_it_counts_the_training_by_the_indicators(client, dora, career):
    file = read(client, dora).context["file"]
    yearly, leader = file.yearly, file.leader
    assert (yearly.year, yearly.counted, yearly.days, yearly.meets) == (2009, True, Decimal("13.0"), True)
    assert (leader.first_year, leader.counted, leader.days, leader.meets) == (2005, True, Decimal("75.0"), False)
    assert leader.missing == Decimal("15")
    by_year = {t.year: (t.days, t.full_time_days, t.meets) for t in file.training_years}
    assert by_year[2008] == (Decimal("44.0"), Decimal("40.0"), True)
    assert by_year[2007] == (Decimal("0"), Decimal("0"), False)
    assert by_year[2004] == (Decimal("50.0"), Decimal("50.0"), True)
    assert min(by_year) == 1998
    # Hired on 1 July 1998: the yearly indicator counts him from 1999 on;
    # this year is not over.
    flags = {t.year: (t.counted, t.in_progress) for t in file.training_years}
    assert (flags[1998], flags[1999], flags[2009]) == ((False, False), (True, False), (True, False))
    assert flags[dt.date.today().year] == (True, True) and max(flags) == dt.date.today().year


def test_it_shows_the_leader_rule_only_for_leaders(client, alice, career, officers):
    plain = officers["5101"]
    response = read(client, alice, file_url(plain.staff_no))
    assert response.context["file"].leader is None
    assert 'id="leader-status"' not in response.content.decode()


def test_it_times_the_postings_in_years(client, alice, career):
    rows = read(client, alice).context["file"].postings
    assert [(r.posting.position, r.current, r.high_risk) for r in rows] == [
        ("副关长", True, False),
        ("查验岗", False, True),
    ]
    # 2000-01-01 to 2004-06-30: 1642 days / 365.25 = 4.5 years.
    assert rows[1].years == Decimal("4.5")


# --- HR adds records from the file -----------------------------------------------------------------------------


def training_post(**overrides):
    data = {
        "training-course": "新任处级干部培训",
        "training-start_date": "2009-10-12",
        "training-end_date": "2009-10-16",
        "training-days": "5",
        "training-mode": "full_time",
    }
    data.update(overrides)
    return data


def test_it_lets_hr_add_a_training_record(client, alice, career):
    client.force_login(alice)
    response = client.post(reverse("people:training_add", args=["S5101W"]), training_post(), follow=True)
    record = TrainingRecord.objects.get(course="新任处级干部培训")
    assert (record.officer, record.days, record.mode) == (career["officer"], Decimal("5.0"), "full_time")
    assert record.history.get().history_user == alice
    message = str(list(response.context["messages"])[0])
    assert "新任处级干部培训" in message and "王五" in message and str(record.pk) not in message.replace("2009", "")
    # The file now counts 18 days in 2009.
    assert client.get(file_url()).context["file"].yearly.days == Decimal("18.0")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"training-end_date": "2009-10-01"}, "end_date"),
        ({"training-days": "9"}, "days"),
        ({"training-start_date": "12/10/2009"}, "start_date"),
        ({"training-course": ""}, "course"),
        ({"training-course": "政治理论", "training-start_date": "2009-03-02"}, "course"),
    ],
)
def test_it_refuses_bad_training_in_plain_words_and_keeps_what_was_typed(client, alice, career, overrides, field):
    client.force_login(alice)
    before = TrainingRecord.objects.count()
    response = client.post(reverse("people:training_add", args=["S5101W"]), training_post(**overrides))
    assert response.status_code == 400
    assert TrainingRecord.objects.count() == before
    form = response.context["training_form"]
    assert list(form.errors) == [field]
    assert form.data["training-course"] == training_post(**overrides)["training-course"]


def test_it_answers_404_to_adding_for_anyone_but_hr(client, bob, dora, charlie, career):
    for user in (bob, dora, charlie, career["officer"].user):
        client.force_login(user)
        assert client.post(reverse("people:training_add", args=["S5101W"]), training_post()).status_code == 404
        assert client.post(reverse("people:posting_add", args=["S5101W"]), {}).status_code == 404
    assert not TrainingRecord.objects.filter(course="新任处级干部培训").exists()


def test_it_lets_hr_add_a_posting_within_its_grants_only(client, alice, career):
    client.force_login(alice)
    data = {
        "posting-unit": "5100",
        "posting-position": "关长助理",
        "posting-start_date": "2009-11-01",
        "posting-leadership": "on",
        "posting-post_risk": "medium",
    }
    response = client.post(reverse("people:posting_add", args=["S5101W"]), data)
    assert response.status_code == 302
    posting = Posting.objects.get(position="关长助理")
    assert (posting.unit.code, posting.leadership, posting.grassroots, posting.end_date) == ("5100", True, False, None)
    outside = client.post(reverse("people:posting_add", args=["S5101W"]), {**data, "posting-unit": "0200"})
    assert outside.status_code == 400
    assert list(outside.context["posting_form"].errors) == ["unit"]
    assert Posting.objects.filter(position="关长助理").count() == 1


# --- My records ---------------------------------------------------------------------------------------------------


def test_it_shows_an_officer_their_own_records(client, career):
    client.force_login(career["officer"].user)
    response = client.get(reverse("people:my_records"))
    assert response.status_code == 200
    file = response.context["file"]
    assert file.officer == career["officer"] and file.self_view
    assert file.yearly.year == dt.date.today().year
    assert file.integrity is None and file.reserve is None
    page = response.content.decode()
    assert reverse("reports:appraisal_pdf", args=["S5101W"]) in page


def test_it_tells_an_account_without_an_officer_record_so(client, alice):
    client.force_login(alice)
    response = client.get(reverse("people:my_records"))
    assert response.status_code == 200
    assert "file" not in response.context


# --- Query counts ---------------------------------------------------------------------------------------------
#
# Session and user; the officer; the reader's roles and the unit's coverage
# (two); then per section shown: HR and leadership read postings, reserve,
# the yearly sums and which years count, the courses (count and page), the
# two indicator rows and the appraisals, and HR the units of its posting
# form; leadership reads the integrity appraisals and audits instead of the
# form. Supervision reads the integrity appraisals, cases, complaints and
# alerts, then writes three access-log rows (the chain's end read and the row
# written, in a savepoint: four queries each, and on PostgreSQL a table lock
# first). The navigation bar adds its unread-message badge; its entries
# come from the grants the page has read. None of it grows with the number
# of records.


def expected_queries(persona) -> int:
    return {"alice": 18, "dora": 19, "bob": 24 + 3 * (connection.vendor == "postgresql")}[persona]


@pytest.mark.parametrize("persona", ["alice", "bob", "dora"])
def test_it_reads_the_file_in_a_fixed_number_of_queries(client, django_assert_num_queries, career, persona, request):
    client.force_login(request.getfixturevalue(persona))
    client.get(file_url())  # the content types and the session, cached after the first request
    with django_assert_num_queries(expected_queries(persona)):
        client.get(file_url())
    # More records of every kind cost no more queries.
    officer = career["officer"]
    for year in (2001, 2002, 2003):
        LeaderAppraisalFactory(officer=officer, year=year)
        PostingFactory(officer=officer, unit=officer.unit, start_date=dt.date(year, 1, 1), end_date=dt.date(year, 6, 1))
        ComplaintFactory(officer=officer, received_date=dt.date(year, 1, 1))
    with django_assert_num_queries(expected_queries(persona)):
        client.get(file_url())


def test_it_pages_the_courses_newest_first(client, alice, career):
    officer = career["officer"]
    for day in range(1, 26):
        TrainingRecord.objects.create(
            officer=officer,
            course=f"周课{day:02d}",
            start_date=dt.date(2007, 1, day),
            end_date=dt.date(2007, 1, day),
            days=Decimal("1"),
            mode="online",
        )
    client.force_login(alice)
    # 6 records of the career plus these 25: the newest 20 first, then 11.
    first = client.get(file_url() + "&page=1").context["file"].training_records
    assert [r.course for r in first.object_list[:3]] == ["党校进修", "政治理论", "业务培训"]
    assert first.paginator.count == 31 and len(first.object_list) == 20
    second = client.get(file_url() + "&page=2").context["file"].training_records
    # Page 1: the four courses of 2008-2009, then 周课25 ... 周课10; page 2:
    # 周课09 ... 周课01, then 干部学院 (2006) and 早年进修 (2004).
    assert [r.course for r in second.object_list] == [f"周课{d:02d}" for d in range(9, 0, -1)] + [
        "干部学院",
        "早年进修",
    ]
