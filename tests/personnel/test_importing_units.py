"""The unit list: references within the file, loops, the one hq, and the
scope table that follows the tree."""

import pytest

from core.importing import records_export, records_import
from org.models import Unit, UnitScope
from org.roles import Role
from org.scoping import units_in_scope
from tests.factories import UserFactory
from tests.personnel.import_support import (  # noqa: F401 (english is an autouse fixture)
    counts,
    english,
    headers_of,
    import_rows,
    problems,
    snapshot,
)

pytestmark = pytest.mark.django_db
HEADERS = ["code", "name", "kind", "parent_code", "supervisory_office"]


def unit(code, name, kind, parent="", office=""):
    return {"code": code, "name": name, "kind": kind, "parent_code": parent, "supervisory_office": office}


def codes_in_scope(user):
    return set(Unit.objects.filter(pk__in=units_in_scope(user, Role.HR)).values_list("code", flat=True))


def test_it_builds_a_whole_tree_with_parents_defined_further_down(tree):
    root = UserFactory(is_superuser=True)
    rows = [
        unit("3101", "外高桥港区海关查验科", "department", "3100"),
        unit("3100", "外高桥港区海关", "subordinate", "2200"),
        unit("2200", "上海海关", "direct", "0000", "9300"),
        unit("9300", "上海特派办", "supervisory_office", "0000"),
    ]

    outcome = import_rows("units", root, HEADERS, rows)

    assert problems(outcome) == [] and counts(outcome) == (4, 0, 0)
    assert {
        u.code: (u.parent.code, u.supervisory_office and u.supervisory_office.code)
        for u in Unit.objects.filter(code__in=["3101", "3100", "2200", "9300"])
    } == {"3101": ("3100", None), "3100": ("2200", None), "2200": ("0000", "9300"), "9300": ("0000", None)}
    # The scope table follows: the new office covers the customs it supervises.
    office = Unit.objects.get(code="9300")
    assert set(UnitScope.objects.filter(root=office).values_list("unit__code", flat=True)) == {
        "9300",
        "2200",
        "3100",
        "3101",
    }
    assert Unit.history.filter(code="3101").get().history_user == root


def test_it_extends_the_scope_of_an_hr_grant_to_new_units(alice, tree):
    outcome = import_rows(
        "units",
        alice,
        HEADERS,
        [unit("5104", "新港查验科", "department", "5103"), unit("5103", "新港海关", "subordinate", "5100")],
    )

    assert counts(outcome) == (2, 0, 0)
    assert codes_in_scope(alice) == {"5100", "5101", "5102", "5103", "5104"}


def test_it_refuses_new_units_that_refer_to_each_other_in_a_loop(alice, tree):
    before = snapshot()

    outcome = import_rows(
        "units",
        alice,
        HEADERS,
        [
            unit("5105", "甲", "department", "5106"),
            unit("5106", "乙", "department", "5105"),
            unit("5107", "丙", "department", "5101"),
        ],
    )

    assert problems(outcome) == [
        (2, "parent_code", "This row and row(s) 3 refer to each other in a loop."),
        (3, "parent_code", "This row and row(s) 2 refer to each other in a loop."),
    ]
    assert snapshot() == before


def test_it_refuses_moving_existing_units_below_themselves(alice, tree):
    before = snapshot()

    outcome = import_rows("units", alice, HEADERS, [unit("5101", "黄埔海关", "subordinate", "5102")])

    assert problems(outcome) == [(2, "parent_code", "A unit cannot be placed below itself.")]
    assert snapshot() == before


def test_it_refuses_a_loop_through_a_new_unit(alice, tree):
    outcome = import_rows(
        "units",
        alice,
        HEADERS,
        [unit("5101", "黄埔海关", "subordinate", "5109"), unit("5109", "新科", "department", "5102")],
    )

    assert problems(outcome) == [(2, "parent_code", "A unit cannot be placed below itself.")]
    assert not Unit.objects.filter(code="5109").exists()


def test_it_allows_only_one_hq(tree):
    root = UserFactory(is_superuser=True)

    outcome = import_rows("units", root, HEADERS, [unit("0001", "第二总署", "hq")])

    assert problems(outcome) == [
        (2, "kind", "There can be only one General Administration (hq); this file would make 0000, 0001."),
    ]
    assert Unit.objects.filter(kind="hq").count() == 1


def test_it_requires_a_parent_for_every_unit_but_hq(alice, tree):
    outcome = import_rows("units", alice, HEADERS, [unit("5108", "无上级", "department")])

    assert problems(outcome) == [
        (2, "parent_code", "Every unit except the General Administration needs a parent unit.")
    ]


def test_it_moves_a_unit_and_the_scope_follows(alice, tree):
    root = UserFactory(is_superuser=True)
    charlie_user = UserFactory(username="tj")
    from accounts.services import grant_create

    grant_create(user=charlie_user, role=Role.HR, unit=tree["0200"])

    outcome = import_rows("units", root, HEADERS, [unit("5201", "皇岗海关", "subordinate", "0200")])

    assert counts(outcome) == (0, 1, 0)
    assert codes_in_scope(charlie_user) == {"0200", "5201"}
    assert list(Unit.history.filter(code="5201", history_type="~").values_list("history_user", flat=True)) == [root.pk]


def test_it_round_trips_the_whole_tree(tree):
    root = UserFactory(is_superuser=True)
    exported = records_export(kind="units", acting_user=root)
    before = snapshot()

    outcome = records_import(
        kind="units", dataset_or_file=exported.export("csv").encode("utf-8"), file_name="units.csv", acting_user=root
    )

    assert problems(outcome) == [] and counts(outcome) == (0, 0, 9)
    assert snapshot() == before
    assert exported.headers == headers_of("units")
    assert [r for r in exported if r[0] == "5100"] == [("5100", "广州海关", "direct", "0000", "9100")]


def test_it_lets_alice_keep_but_not_change_links_above_her_grants(alice, tree):
    exported = records_export(kind="units", acting_user=alice)
    assert sorted(exported["code"]) == ["5100", "5101", "5102"]

    same = records_import(
        kind="units", dataset_or_file=exported.export("csv").encode(), file_name="u.csv", acting_user=alice
    )
    changed = import_rows("units", alice, HEADERS, [unit("5100", "广州海关", "direct", "0000", "9200")])

    assert counts(same) == (0, 0, 3)
    assert problems(changed) == [(2, "supervisory_office", "“9200” is unknown or outside your grants.")]
    assert Unit.objects.get(code="5100").supervisory_office.code == "9100"
