"""The dashboard and its drill-downs, around the personas of tests/conftest.py.

The service of ``trained`` (year 2009 unless said; everyone hired 2000-07-01,
so employed for all of 2009):

    5101 黄埔海关   A  7 + 5 = 12 days            meets 12 days
                    B  6 + 5.5 = 11.5 days        short
    5102 查验科      C  no training                short
    5100 广州海关   F  division-level leader: no training in 2009 (short),
                       90 full-time days in 2007 (meets the 5-year rule)
    5200 深圳海关   D  15 days                    meets
    0200 天津海关   E  12 days                    meets
    2008: A has 12 days, nobody else any.

training_days_12 in 2009, by hand: 5100's scope {A, B, C, F} 1/4; 9100's
scope adds D: 2/5; 0200: E 1/1; the whole service: 3/6. In 2008: 1/6.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from accounts.services import grant_create
from dashboard import selectors
from dashboard.views import XLSX
from org.models import Unit
from org.roles import Role
from org.services import unit_scope_rebuild
from personnel.models import Officer
from tests.dashboard.factories import TrainingRecordFactory
from tests.factories import OfficerFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
DASHBOARD = reverse("dashboard:dashboard")


def drill_url(key="training_days_12", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('dashboard:drill_down', args=[key])}?{query}"


def export_url(key="training_days_12", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('dashboard:drill_down_export', args=[key])}?{query}"


def trained(officer, days, start=dt.date(2009, 3, 2), mode="in_service"):
    return TrainingRecordFactory(officer=officer, days=Decimal(str(days)), start_date=start, mode=mode)


@pytest.fixture
def trained_service(tree):
    u = tree
    people = {
        "A": OfficerFactory(unit=u["5101"], staff_no="A001", name="甲"),
        "B": OfficerFactory(unit=u["5101"], staff_no="B002", name="乙"),
        "C": OfficerFactory(unit=u["5102"], staff_no="C003", name="丙"),
        "F": OfficerFactory(
            unit=u["5100"], staff_no="F006", name="己", is_leader=True, rank_level=Officer.RankLevel.DIVISION
        ),
        "D": OfficerFactory(unit=u["5200"], staff_no="D004", name="丁"),
        "E": OfficerFactory(unit=u["0200"], staff_no="E005", name="戊"),
    }
    p = people
    trained(p["A"], 7, D(2009, 1, 5))
    trained(p["A"], 5, D(2009, 11, 2))
    trained(p["A"], 12, D(2008, 4, 1))
    trained(p["B"], 6)
    trained(p["B"], 5.5, D(2009, 9, 1))
    trained(p["D"], 15)
    trained(p["E"], 12)
    trained(p["F"], 90, D(2007, 3, 1), mode="full_time")
    return people


def login(client, user):
    client.force_login(user)
    return client


def card(response, key):
    return next(c for c in response.context["cards"] if c.indicator.key == key)


def text_of(response) -> str:
    return response.content.decode()


# --- Who gets in -------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_login_page(client, tree):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    for url in (drill_url(unit="5100", year=2009), export_url(unit="5100", year=2009)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_it_shows_a_user_without_grants_no_figures(client, trained_service):
    officer_user = UserFactory(username="plain")
    trained_service["A"].user = officer_user
    trained_service["A"].save()
    response = login(client, officer_user).get(DASHBOARD)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "dashboard/no_dashboard.html"
    assert "cards" not in response.context
    assert "%" not in text_of(response)
    assert client.get(drill_url(unit="5100", year=2009)).status_code == 404
    assert client.get(export_url(unit="5100", year=2009)).status_code == 404


# --- The scope picker --------------------------------------------------------


def picker_codes(response) -> set[str]:
    return {unit.code for unit in response.context["choices"]}


@pytest.mark.parametrize(
    "persona, codes",
    [
        # Every unit in scope, down to the departments.
        ("alice", {"5100", "5101", "5102"}),
        ("bob", {"9100", "5100", "5101", "5102", "5200", "5201"}),
        ("charlie", {"0200"}),
        ("dora", {"0000", "9100", "9200", "5100", "5101", "5102", "5200", "5201", "0200"}),
    ],
)
def test_it_offers_each_persona_only_their_scopes(client, request, persona, codes):
    user = request.getfixturevalue(persona)
    response = login(client, user).get(DASHBOARD)
    assert response.status_code == 200
    assert picker_codes(response) == codes
    options = set(re.findall(r'<option value="([^"]+)"', text_of(response)))
    assert options - {str(y) for y in response.context["years"]} == codes


def test_it_offers_a_superuser_the_whole_service(client, tree):
    root = UserFactory(username="root", is_superuser=True)
    response = login(client, root).get(DASHBOARD)
    assert response.context["unit"].code == "0000"
    assert picker_codes(response) == set(tree)
    assert login(client, root).get(DASHBOARD + "?unit=5102").status_code == 200


def test_it_opens_on_the_broadest_granted_unit(client, tree, alice):
    grant_create(user=alice, role=Role.AUDIT, unit=tree["9100"])
    response = login(client, alice).get(DASHBOARD)
    assert response.context["unit"].code == "9100"


@pytest.mark.parametrize(
    "persona, code",
    [
        ("alice", "5200"),
        ("alice", "0000"),
        ("alice", "9100"),
        ("bob", "0200"),
        ("bob", "0000"),
        ("charlie", "5101"),
        ("alice", "nonexistent"),
    ],
)
def test_it_answers_404_for_a_scope_outside_the_grants(client, request, trained_service, persona, code):
    user = request.getfixturevalue(persona)
    login(client, user)
    assert client.get(f"{DASHBOARD}?unit={code}&year=2009").status_code == 404
    assert client.get(drill_url(unit=code, year=2009)).status_code == 404
    assert client.get(export_url(unit=code, year=2009)).status_code == 404


def test_it_lets_a_supervisory_office_open_the_customs_it_supervises(client, trained_service, bob):
    response = login(client, bob).get(f"{DASHBOARD}?unit=5101&year=2009")
    assert response.status_code == 200
    assert response.context["unit"].code == "5101"


def test_it_keeps_hr_records_behind_the_numbers_from_supervision(client, trained_service, bob):
    """Supervision reads officers' profiles only (access.md): the training
    rate is on bob's dashboard, the people's training days are not."""
    login(client, bob)
    response = client.get(f"{DASHBOARD}?unit=9100&year=2009")
    assert card(response, "training_days_12").drillable is False
    assert reverse("dashboard:drill_down", args=["training_days_12"]) not in text_of(response)
    assert client.get(drill_url(unit="5100", year=2009)).status_code == 404
    assert client.get(export_url(unit="5100", year=2009)).status_code == 404
    # Team sizes and ages are profile data: that drill-down is open to him.
    assert card(response, "leadership_team_age").drillable is True


def test_it_answers_404_for_an_unknown_indicator(client, trained_service, dora):
    assert login(client, dora).get(drill_url("no_such_indicator", unit="0000", year=2009)).status_code == 404


# --- The numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, code, numerator, denominator, shown",
    [
        ("alice", "5100", 1, 4, "25%"),
        ("bob", "9100", 2, 5, "40%"),
        ("charlie", "0200", 1, 1, "100%"),
        ("dora", "0000", 3, 6, "50%"),
    ],
)
def test_it_shows_the_hand_counted_training_rate(
    client, request, trained_service, persona, code, numerator, denominator, shown
):
    user = request.getfixturevalue(persona)
    response = login(client, user).get(f"{DASHBOARD}?unit={code}&year=2009")
    training = card(response, "training_days_12")
    assert (training.figure.numerator, training.figure.denominator) == (numerator, denominator)
    assert training.value_text == shown
    assert training.status == ("met" if numerator == denominator else "missed")
    html = text_of(response)
    assert f"{numerator} / {denominator}" in html
    assert shown in html


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_it_shows_met_missed_and_no_data(client, trained_service, alice):
    response = english(login(client, alice)).get(f"{DASHBOARD}?unit=5100&year=2009")
    assert card(response, "training_days_12").status == "missed"
    # F: 90 full-time days in 2005-2009.
    leader = card(response, "leader_fulltime_training_5y")
    assert (leader.figure.numerator, leader.figure.denominator, leader.status) == (1, 1, "met")
    reserve = card(response, "reserve_grassroots")
    assert (reserve.figure.denominator, reserve.status, reserve.value_text) == (0, "nodata", "—")
    html = text_of(response)
    for label in ("met", "missed", "no data"):
        assert f">{label}</span>" in html


def test_it_draws_five_years_of_trend(client, trained_service, dora):
    response = login(client, dora).get(f"{DASHBOARD}?unit=0000&year=2009")
    chart = str(card(response, "training_days_12").chart)
    assert chart.startswith("<svg")
    for year in range(2005, 2010):
        assert f">{year}</text>" in chart
    # The training records begin in 2007 (F's course): 2005 and 2006 have no
    # data, not a 0% that misses the target. All six were employed since
    # 2000; F trained in 2007, A in 2008.
    assert chart.count("<circle") == 3
    assert "2005: 0%" not in chart and "2006: 0%" not in chart
    assert chart.count('class="chart-nodata"') == 2
    assert "2007: 16.7% (1 / 6)" in chart
    assert "2008: 16.7% (1 / 6)" in chart
    assert "2009: 50% (3 / 6)" in chart
    assert 'class="chart-target"' in chart


def test_it_breaks_the_service_down_by_directly_affiliated_customs(client, trained_service, dora):
    response = login(client, dora).get(f"{DASHBOARD}?unit=0000&year=2009")
    rows = response.context["rows"]
    assert [row.unit.code for row in rows] == ["0200", "5100", "5200"]
    training = {row.unit.code: (row.cells[0].figure.numerator, row.cells[0].figure.denominator) for row in rows}
    assert training == {"0200": (1, 1), "5100": (1, 4), "5200": (1, 1)}
    assert [row.cells[0].status for row in rows] == ["met", "missed", "met"]
    # Every customs also misses information coverage (training is its only
    # area with records), so every row is highlighted.
    assert all(row.missed for row in rows)
    assert text_of(response).count('<tr class="row-missed">') == 3
    assert drill_url(unit="5100", year=2009).replace("&", "&amp;") in text_of(response)


def test_it_sorts_the_breakdown_by_any_column(client, trained_service, dora):
    login(client, dora)
    ascending = client.get(f"{DASHBOARD}?unit=0000&year=2009&sort=training_days_12")
    assert [row.unit.code for row in ascending.context["rows"]] == ["5100", "0200", "5200"]
    descending = client.get(f"{DASHBOARD}?unit=0000&year=2009&sort=-training_days_12")
    assert [row.unit.code for row in descending.context["rows"]] == ["0200", "5200", "5100"]
    by_unit = client.get(f"{DASHBOARD}?unit=0000&year=2009&sort=-unit")
    assert [row.unit.code for row in by_unit.context["rows"]] == ["5200", "5100", "0200"]
    # An unknown column falls back to the unit order instead of failing.
    odd = client.get(f"{DASHBOARD}?unit=0000&year=2009&sort=__class__")
    assert [row.unit.code for row in odd.context["rows"]] == ["0200", "5100", "5200"]


def test_it_breaks_a_supervisory_office_down_by_the_customs_it_supervises(client, trained_service, bob):
    response = login(client, bob).get(f"{DASHBOARD}?unit=9100&year=2009")
    assert [row.unit.code for row in response.context["rows"]] == ["5100", "5200"]


def test_it_explains_a_bad_year_and_shows_the_default(client, trained_service, alice):
    response = login(client, alice).get(f"{DASHBOARD}?unit=5100&year=soon")
    assert response.status_code == 200
    assert response.context["year"] == 2009
    assert "soon" in response.context["year_problem"]


def test_it_defaults_to_the_last_complete_year_with_records():
    years = selectors.year_choices(today=D(2026, 5, 1))
    assert years.default == 2025  # no records: last year
    assert years.since is None  # and no year is cut as "before the records"


def test_it_offers_the_years_that_have_records(trained_service):
    years = selectors.year_choices(today=D(2026, 5, 1))
    assert years.default == 2009
    assert years.choices == [2009, 2008, 2007]
    assert selectors.year_choices(today=D(2009, 6, 1)) == selectors.Years(
        default=2008, choices=[2009, 2008, 2007], since=2007
    )


@pytest.mark.parametrize(
    "persona, hidden",
    [
        ("alice", ["广东分署", "深圳海关", "天津海关", "天津特派办", "海关总署"]),
        ("bob", ["天津海关", "天津特派办", "海关总署"]),
        ("charlie", ["广州海关", "黄埔海关", "深圳海关", "皇岗海关", "广东分署", "海关总署"]),
    ],
)
def test_it_names_no_unit_outside_the_scope(client, request, trained_service, persona, hidden):
    user = request.getfixturevalue(persona)
    html = text_of(login(client, user).get(f"{DASHBOARD}?year=2009"))
    for name in hidden:
        assert name not in html


# --- Drill-down ------------------------------------------------------------------


def test_it_marks_exactly_the_officers_under_12_days(client, trained_service, alice):
    response = english(login(client, alice)).get(drill_url(unit="5100", year=2009))
    assert response.status_code == 200
    rows = {row["cells"][0]: row for row in response.context["rows"]}
    assert set(rows) == {"A001", "B002", "C003", "F006"}
    assert {no for no, row in rows.items() if not row["meets"]} == {"B002", "C003", "F006"}
    figures = {no: row["cells"][4] for no, row in rows.items()}
    assert figures == {"A001": "12 days", "B002": "11.5 days", "C003": "0 days", "F006": "0 days"}
    # Those short of the target come first.
    assert [row["meets"] for row in response.context["rows"]] == [False, False, False, True]
    html = text_of(response)
    assert html.count('class="row-missed"') == 3
    assert "11.5 days" in html


def test_it_speaks_chinese_by_default(client, trained_service, alice):
    login(client, alice)
    dashboard = text_of(client.get(f"{DASHBOARD}?unit=5100&year=2009"))
    assert "指标概览" in dashboard and "查看明细" in dashboard and "未达标" in dashboard
    drill = text_of(client.get(drill_url(unit="5100", year=2009)))
    assert "<td>11.5 天</td>" in drill
    assert "导出 Excel" in drill


def test_it_searches_filters_and_sorts_the_drill_down(client, trained_service, alice):
    login(client, alice)
    found = client.get(drill_url(unit="5100", year=2009, q="乙"))
    assert [row["cells"][0] for row in found.context["rows"]] == ["B002"]
    by_number = client.get(drill_url(unit="5100", year=2009, q="c00"))
    assert [row["cells"][0] for row in by_number.context["rows"]] == ["C003"]
    missing = client.get(drill_url(unit="5100", year=2009, missing=1))
    assert {row["cells"][0] for row in missing.context["rows"]} == {"B002", "C003", "F006"}
    by_days = client.get(drill_url(unit="5100", year=2009, sort="-figure"))
    assert [row["cells"][0] for row in by_days.context["rows"]] == ["A001", "B002", "C003", "F006"]


def test_it_paginates_the_drill_down(client, tree, dora):
    for n in range(53):
        OfficerFactory(unit=tree["0200"], staff_no=f"T{n:03d}")
    login(client, dora)
    first = client.get(drill_url(unit="0200", year=2009))
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.count == 53
    last = client.get(drill_url(unit="0200", year=2009, page=2))
    assert [row["cells"][0] for row in last.context["rows"]] == ["T050", "T051", "T052"]


def test_it_lists_leadership_teams_by_unit(client, trained_service, college, dora):
    # 广州海关's team in 2009: aged 50 and 60 -> 1 of 2 in 45-55, not more than half.
    OfficerFactory(unit=Unit.objects.get(code="5100"), is_leader=True, birth_date=D(1959, 1, 1))
    OfficerFactory(unit=college, is_leader=True, birth_date=D(1960, 1, 1))
    response = login(client, dora).get(drill_url("leadership_team_age", unit="0000", year=2009))
    rows = {row["cells"][0]: row for row in response.context["rows"]}
    # 5100 also has F, born 1975 (aged 34): 1 of 2 in band.
    assert {code: (row["cells"][2], row["cells"][3], row["cells"][4], row["meets"]) for code, row in rows.items()} == {
        "5100": (2, 1, "50%", False),
        "9900": (1, 1, "100%", True),
    }


def test_it_exports_the_drill_down_to_xlsx(client, trained_service, alice):
    response = english(login(client, alice)).get(export_url(unit="5100", year=2009))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="training_days_12_5100_2009.xlsx"'
    frame = pd.read_excel(io.BytesIO(response.content), dtype={"staff number": str})
    assert list(frame.columns) == [
        "staff number",
        "name",
        "unit",
        "position",
        "training days in the year",
        "meets the target",
    ]
    rows = {r[0]: (r[1], r[2], r[4], r[5]) for r in frame.itertuples(index=False)}
    assert rows == {
        "A001": ("甲", "黄埔海关", 12.0, "met"),
        "B002": ("乙", "黄埔海关", 11.5, "missed"),
        "C003": ("丙", "黄埔海关查验科", 0.0, "missed"),
        "F006": ("己", "广州海关", 0.0, "missed"),
    }


def test_it_writes_formula_like_names_as_text(client, tree, alice):
    OfficerFactory(unit=tree["5100"], staff_no="X001", name='=HYPERLINK("http://x","点我")')
    response = login(client, alice).get(export_url(unit="5100", year=2009))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    name = sheet.cell(row=2, column=2)
    assert (name.value, name.data_type) == ('\'=HYPERLINK("http://x","点我")', "s")


def test_it_exports_what_the_filter_shows(client, trained_service, dora):
    response = english(login(client, dora)).get(export_url(unit="0000", year=2009, missing=1))
    frame = pd.read_excel(io.BytesIO(response.content), dtype={"staff number": str})
    assert sorted(frame["staff number"]) == ["B002", "C003", "F006"]


# --- Cost --------------------------------------------------------------------------


def grow(tree, customs: int, officers_per_unit: int):
    """More directly-affiliated customs, each with a subordinate customs and
    trained officers in both."""
    hq = tree["0000"]
    for n in range(customs):
        direct = UnitFactory(code=f"6{n:03d}", kind=Unit.Kind.DIRECT, parent=hq)
        sub = UnitFactory(code=f"7{n:03d}", kind=Unit.Kind.SUBORDINATE, parent=direct)
        for i in range(officers_per_unit):
            for unit in (direct, sub):
                trained(OfficerFactory(unit=unit, is_leader=i == 0), 6 + i)
    unit_scope_rebuild()


# A warm request (the figures already in the snapshot, core/figures.py):
# A warm dashboard is the page kept for its reader (dashboard/views.py):
# session, user, the grants (the roles the user holds and their digest, one
# query), whether a stale marker waits, the figures' generation, whether the reader is named
# in a case (their case rate is then counted live and the page is not kept),
# the navigation bar's count of unread messages: 7, whatever the number of
# units and indicators.
WARM_DASHBOARD_QUERIES = 7
# A page not kept yet adds its rendering: scope, picker, two year bounds,
# child units, which roles cover the unit and its children (drill-down
# rights, small counts, links), the stored figures of the trend and the
# breakdown in one read: the same number whatever the number of units.
RENDERED_DASHBOARD_QUERIES = 16


# Session, user, the reader's roles (the navigation bar's link to the alert
# desk; the small-counts rule of a need-to-know figure reuses them), the
# navigation bar's count of unread messages, the unit within the grants, two
# year bounds, the count and the page of members, the figure from the
# snapshot (whether a stale marker waits, the stored row; a need-to-know
# figure adds whether the reader's roles cover the unit).
DRILL_DOWN_QUERIES = 11


def test_it_answers_in_a_fixed_number_of_queries(
    client, tree, trained_service, dora, django_assert_max_num_queries, django_assert_num_queries
):
    login(client, dora)
    # Warm the per-process caches (content types) so both sizes are measured alike.
    client.get(f"{DASHBOARD}?unit=0000&year=2009")
    client.get(drill_url(unit="0000", year=2009))
    with django_assert_num_queries(WARM_DASHBOARD_QUERIES) as small:
        client.get(f"{DASHBOARD}?unit=0000&year=2009")
    cache.clear()
    with django_assert_num_queries(RENDERED_DASHBOARD_QUERIES) as small_rendered:
        client.get(f"{DASHBOARD}?unit=0000&year=2009")
    with django_assert_max_num_queries(DRILL_DOWN_QUERIES) as small_drill:
        client.get(drill_url(unit="0000", year=2009))

    grow(tree, customs=6, officers_per_unit=4)
    # The new records marked the snapshot stale: the first reader counts
    # again and renders, the next one is served the page kept for them.
    response = client.get(f"{DASHBOARD}?unit=0000&year=2009")
    assert len(response.context["rows"]) == 3 + 6
    with django_assert_num_queries(WARM_DASHBOARD_QUERIES) as large:
        kept = client.get(f"{DASHBOARD}?unit=0000&year=2009")
    assert kept.content.count(b'<th scope="row">') == 3 + 6
    cache.clear()
    with django_assert_num_queries(RENDERED_DASHBOARD_QUERIES) as large_rendered:
        client.get(f"{DASHBOARD}?unit=0000&year=2009")
    with django_assert_max_num_queries(DRILL_DOWN_QUERIES) as large_drill:
        response = client.get(drill_url(unit="0000", year=2009))
    assert response.context["page"].paginator.count == 6 + 6 * 2 * 4
    assert (len(small), len(small_rendered), len(small_drill)) == (len(large), len(large_rendered), len(large_drill))
