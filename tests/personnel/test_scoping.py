import pytest

from org.models import Unit
from org.roles import Role
from org.scoping import units_in_scope
from personnel.models import Officer, Posting
from tests.factories import PostingFactory, UserFactory

pytestmark = pytest.mark.django_db


def codes(qs):
    return set(Unit.objects.filter(pk__in=qs).values_list("code", flat=True))


def test_it_covers_the_subtree_of_a_granted_unit(alice):
    assert codes(units_in_scope(alice, Role.HR)) == {"5100", "5101", "5102"}


def test_it_covers_supervised_customs_of_a_supervisory_office(bob):
    assert codes(units_in_scope(bob, Role.SUPERVISION)) == {"9100", "5100", "5101", "5102", "5200", "5201"}


def test_it_ignores_grants_of_other_roles(alice):
    assert codes(units_in_scope(alice, Role.SUPERVISION)) == set()


def test_it_gives_nothing_to_a_user_without_grants(tree):
    assert codes(units_in_scope(UserFactory(), Role.HR)) == set()


def test_it_gives_everything_to_a_superuser(tree):
    root = UserFactory(is_superuser=True)
    assert codes(units_in_scope(root, Role.HR)) == set(tree)


def test_it_scopes_officers_by_their_current_unit(alice, charlie, officers):
    assert set(Officer.objects.visible_to(alice).values_list("unit__code", flat=True)) == {"5100", "5101", "5102"}
    assert set(Officer.objects.visible_to(charlie).values_list("unit__code", flat=True)) == {"0200"}


def test_it_lets_an_officer_read_their_own_career_only(tree, officers):
    me = UserFactory(username="me")
    mine = officers["5201"]
    mine.user = me
    mine.save()
    PostingFactory(officer=mine)
    PostingFactory(officer=officers["5200"])
    assert list(Officer.objects.visible_to(me)) == [mine]
    assert list(Posting.objects.visible_to(me).values_list("officer", flat=True)) == [mine.pk]
    assert Posting.objects.editable_by(me).count() == 0


def test_it_gives_supervision_profiles_but_not_careers(bob, officers):
    PostingFactory(officer=officers["5100"])
    assert Officer.objects.visible_to(bob).count() == 5
    assert Posting.objects.visible_to(bob).count() == 0


def test_it_keeps_leadership_read_only(dora, officers):
    assert Officer.objects.visible_to(dora).count() == 6
    assert Officer.objects.editable_by(dora).count() == 0


def test_it_follows_a_grant_held_through_a_group(tree, officers):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    group = Group.objects.create(name="天津人事处")
    assign_perm("org.role_hr", group, tree["0200"])
    user = UserFactory()
    user.groups.add(group)
    assert list(Officer.objects.visible_to(user)) == [officers["0200"]]


def test_it_moves_scope_with_a_reorganisation(alice, tree, officers):
    from org.services import unit_save

    hg = tree["5201"]
    hg.parent = tree["5100"]
    unit_save(unit=hg)
    assert codes(units_in_scope(alice, Role.HR)) == {"5100", "5101", "5102", "5201"}
