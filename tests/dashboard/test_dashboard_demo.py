"""The dashboard on a tiny demo service, for every demo account and every
scope its picker offers: it answers, and it names no unit and no officer
outside the account's grants.

"Outside" is worked out here from the grants themselves (the closure table
of the granted units), not through the dashboard's own selectors.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core import indicators as engine
from fixtures.accounts import DEMO_ACCOUNTS
from org.models import Unit, UnitScope, UnitUserObjectPermission
from personnel.models import Officer
from tests.conftest import SMALL_DEMO_YEAR

pytestmark = pytest.mark.django_db

YEAR = SMALL_DEMO_YEAR
DASHBOARD = reverse("dashboard:dashboard")


@pytest.fixture
def demo(small_demo, db):
    """The 100-officer demo service with its accounts, loaded once (tests/conftest.py)."""
    return small_demo


def units_granted_to(user) -> set[str]:
    if user.is_superuser:
        return set(Unit.objects.values_list("code", flat=True))
    roots = UnitUserObjectPermission.objects.filter(user=user).values("content_object")
    return set(UnitScope.objects.filter(root__in=roots).values_list("unit__code", flat=True))


def shown_unit_names(html: str, names: set[str]) -> set[str]:
    # A name counts as shown when it stands on its own between markup,
    # not as part of a longer name ("广州海关" inside "广州海关人事处").
    return {name for name in names if re.search(rf"[>\s]{re.escape(name)}[<\s(]", html)}


def linked_codes(html: str) -> set[str]:
    return set(re.findall(r"unit=([^&\"]+)", html)) | set(re.findall(r'<option value="([^"]+)"', html))


def check_account(client, user):
    client.force_login(user)
    allowed = units_granted_to(user)
    outside_names = set(Unit.objects.exclude(code__in=allowed).values_list("name", flat=True)) - set(
        Unit.objects.filter(code__in=allowed).values_list("name", flat=True)
    )
    outside_staff = set(Officer.objects.exclude(unit__code__in=allowed).values_list("staff_no", flat=True))
    who = user.username

    first = client.get(DASHBOARD, {"year": YEAR})
    assert first.status_code == 200, who
    scopes = [unit.code for unit in first.context["choices"]]
    assert scopes and set(scopes) <= allowed, who
    # The account's own scope, and the narrowest its picker offers.
    for code in dict.fromkeys([first.context["unit"].code, scopes[-1]]):
        response = client.get(DASHBOARD, {"unit": code, "year": YEAR})
        assert response.status_code == 200, (who, code)
        html = response.content.decode()
        assert len(response.context["cards"]) == len(engine.indicators())
        assert not shown_unit_names(html, outside_names), (who, code)
        assert linked_codes(html) - {str(y) for y in response.context["years"]} <= allowed, (who, code)

    # One click further, from the account's own scope: the people and units
    # behind each number it may open.
    unit = first.context["unit"]
    opened = []
    for card in first.context["cards"]:
        if not card.drillable:
            continue
        key = card.indicator.key
        response = client.get(reverse("dashboard:drill_down", args=[key]), {"unit": unit.code, "year": YEAR})
        assert response.status_code == 200, (who, key)
        html = response.content.decode()
        assert not shown_unit_names(html, outside_names), (who, key)
        assert not any(re.search(rf">{no}<", html) for no in outside_staff), (who, key)
        opened.append(key)
    return opened


def test_it_shows_every_demo_account_only_its_own_scope(client, demo):
    users = get_user_model().objects.in_bulk(field_name="username")
    opened = {
        username: check_account(client, users[username]) for username, _r, _u in DEMO_ACCOUNTS if username != "officer"
    }
    # Who may open what (access.md): HR the HR records, supervision the
    # supervision records with the case names, audit the audit records;
    # leadership every drill-down except the case names.
    assert {"training_days_12", "leadership_team_age"} <= set(opened["hr"])
    assert "case_involvement_rate" in opened["supervisor"] and "training_days_12" not in opened["supervisor"]
    assert "audit_coverage" in opened["auditor"] and "inspection_pass_rate" not in opened["auditor"]
    assert len(opened["leader"]) == len(engine.indicators()) - 1 and "case_involvement_rate" not in opened["leader"]
    assert len(opened["admin"]) == len(engine.indicators())

    client.force_login(users["officer"])
    response = client.get(DASHBOARD, {"year": YEAR})
    assert response.status_code == 200
    assert "cards" not in response.context
