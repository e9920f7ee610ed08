"""The rendered dashboard kept for its reader (dashboard/views.py): served
again only to the same user, while the figures, the grants and the calendar
are unchanged; never for a reader whose case rate is counted for them."""

import datetime as dt

import pytest

from accounts.services import grant_create
from dashboard import selectors
from org.roles import Role
from tests.factories import OfficerFactory, UserFactory
from tests.integrity.factories import case_naming

from .test_dashboard import DASHBOARD, card, login, trained
from .test_dashboard import trained_service as trained_service_build

pytestmark = pytest.mark.django_db
trained_service = pytest.fixture(trained_service_build.__wrapped__, name="trained_service")
URL = f"{DASHBOARD}?unit=5100&year=2009"


def rendered(response) -> bool:
    """Whether the page was rendered for this request (its context holds
    the figures) rather than served as kept."""
    return response.context is not None and "cards" in response.context


def test_it_serves_the_kept_page_until_a_counted_record_changes(client, tree, trained_service, alice):
    login(client, alice)
    first = client.get(URL)
    # In 5100's scope in 2009: A (7 + 5 days) meets the 12 days; B (6 + 5.5),
    # C and F (none in 2009) do not.
    assert rendered(first) and card(first, "training_days_12").ratio == "1 / 4"
    kept = client.get(URL)
    assert not rendered(kept) and "1 / 4" in kept.content.decode()

    trained(trained_service["B"], 1, dt.date(2009, 12, 1))
    after = client.get(URL)
    assert rendered(after) and card(after, "training_days_12").ratio == "2 / 4"
    assert not rendered(client.get(URL))


def test_it_renders_again_when_the_readers_grants_change(client, tree, trained_service, alice):
    login(client, alice)
    assert [c.code for c in client.get(URL).context["choices"]][:1] == ["5100"]
    assert not rendered(client.get(URL))
    grant_create(user=alice, role=Role.HR, unit=tree["5200"])
    again = client.get(URL)
    assert rendered(again) and "5200" in [c.code for c in again.context["choices"]]


def test_it_keeps_a_page_for_its_reader_only(client, tree, trained_service, alice):
    twin = UserFactory(username="twin")
    grant_create(user=twin, role=Role.HR, unit=tree["5100"])
    login(client, alice)
    client.get(URL)
    assert not rendered(client.get(URL))
    login(client, twin)
    assert rendered(client.get(URL))


def test_it_never_keeps_the_page_of_a_reader_named_in_a_case(client, tree, trained_service):
    reader = UserFactory(username="named")
    grant_create(user=reader, role=Role.SUPERVISION, unit=tree["5100"])
    case_naming(OfficerFactory(unit=tree["5101"], user=reader), opened_date=dt.date(2009, 3, 1))
    login(client, reader)
    assert rendered(client.get(URL))
    assert rendered(client.get(URL))


def test_it_renders_again_in_another_language(client, tree, trained_service, alice):
    login(client, alice)
    client.get(URL)
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert rendered(english) and "Breakdown by unit" in english.content.decode()
    assert not rendered(client.get(URL, HTTP_ACCEPT_LANGUAGE="en"))


def test_a_wide_scope_lists_its_customs_and_the_units_below_the_one_shown(client, tree, dora, monkeypatch):
    monkeypatch.setattr(selectors, "PICKER_UNITS", 5)
    login(client, dora)
    response = client.get(f"{DASHBOARD}?unit=5100&year=2009")
    # The broad units of the tree and 5100's own subordinate; not 5102 (below
    # 5101) nor 5201 (below 5200), which open by their code.
    assert [c.code for c in response.context["choices"]] == ["0000", "9100", "9200", "0200", "5100", "5200", "5101"]
    assert response.context["scope_size"] == 9
    assert "您的范围内共 9 个单位：列表列出各海关及本单位的下级单位，其他单位请输入编码。" in response.content.decode()
    assert client.get(f"{DASHBOARD}?unit=5201&year=2009").context["unit"].code == "5201"


def test_a_narrow_scope_lists_every_unit(client, tree, alice):
    login(client, alice)
    response = client.get(f"{DASHBOARD}?unit=5100&year=2009")
    assert [c.code for c in response.context["choices"]] == ["5100", "5101", "5102"]
    assert "您的范围内共 3 个单位：输入名称或编码的一部分即可查找。" in response.content.decode()
