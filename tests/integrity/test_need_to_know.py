"""Need-to-know on the querysets every surface is built on (access.md)."""

import pytest
from guardian.shortcuts import assign_perm

from integrity.models import (
    Case,
    CaseOfficer,
    Complaint,
    EnforcementStat,
    Inspection,
    IntegrityAppraisal,
    RiskAlert,
    Survey,
)
from tests.factories import UserFactory

from .factories import (
    ComplaintFactory,
    EnforcementStatFactory,
    InspectionFactory,
    IntegrityAppraisalFactory,
    RiskAlertFactory,
    SurveyFactory,
    case_naming,
)

pytestmark = pytest.mark.django_db


def test_it_shows_cases_to_supervision_in_scope_only(bob, charlie, alice, officers):
    gz_case = case_naming(officers["5101"])
    tj_case = case_naming(officers["0200"])
    assert list(Case.objects.visible_to(bob)) == [gz_case]
    # HR, even of the officer's own unit, never sees a case.
    assert Case.objects.visible_to(alice).count() == 0
    assert Case.objects.visible_to(charlie).count() == 0
    assert tj_case not in Case.objects.visible_to(bob)


def test_it_lists_a_case_naming_two_officers_in_scope_once(bob, officers):
    case_naming(officers["5100"], officers["5200"])
    assert Case.objects.visible_to(bob).count() == 1


def test_it_shows_a_case_spanning_two_customs_to_supervision_of_either(frank, officers):
    shared = case_naming(officers["0200"], officers["5201"])
    assert list(Case.objects.visible_to(frank)) == [shared]


def test_it_gives_leadership_no_case_complaint_statistic_or_alert(dora, officers):
    case_naming(officers["5100"])
    ComplaintFactory(officer=officers["5100"])
    EnforcementStatFactory(officer=officers["5100"])
    RiskAlertFactory(officer=officers["5100"])
    for model in (Case, Complaint, EnforcementStat, RiskAlert):
        assert model.objects.visible_to(dora).count() == 0, model


def test_it_gives_leadership_appraisals_inspections_and_surveys_read_only(dora, bob, tree):
    IntegrityAppraisalFactory(unit=tree["5100"])
    InspectionFactory(unit=tree["5101"])
    SurveyFactory(unit=tree["5200"])
    for model in (IntegrityAppraisal, Inspection, Survey):
        assert model.objects.visible_to(dora).count() == 1, model
        assert model.objects.editable_by(dora).count() == 0, model
        assert model.objects.editable_by(bob).count() == 1, model


def test_it_hides_from_an_officer_the_case_and_complaint_naming_them(frank, officers):
    me = frank.officer
    mine = case_naming(me, officers["5201"])
    other = case_naming(officers["5201"])
    ComplaintFactory(officer=me)
    theirs = ComplaintFactory(officer=officers["5200"])
    assert list(Case.objects.visible_to(frank)) == [other]
    assert list(Case.objects.editable_by(frank)) == [other]
    assert list(Complaint.objects.visible_to(frank)) == [theirs]
    assert mine.pk not in Case.objects.visible_to(frank).values_list("pk", flat=True)


def test_it_hides_every_row_of_a_case_naming_the_user_not_only_their_own(frank, officers):
    # The case names frank and a colleague in his scope: the colleague's row
    # (a cases export, the API) would tell frank the case exists.
    mine = case_naming(frank.officer, officers["5201"])
    other = case_naming(officers["5201"])
    rows = CaseOfficer.objects.visible_to(frank)
    assert list(rows.values_list("case__case_no", "officer__staff_no")) == [(other.case_no, officers["5201"].staff_no)]
    assert not CaseOfficer.objects.editable_by(frank).filter(case=mine).exists()


def test_it_hides_alerts_about_the_user_even_from_a_superuser(tree, officers):
    boss = UserFactory(username="boss", is_superuser=True)
    officers["5100"].user = boss
    officers["5100"].save()
    about_me = RiskAlertFactory(officer=officers["5100"])
    other = RiskAlertFactory(officer=officers["5200"])
    unit_alert = RiskAlertFactory(officer=None, unit=tree["5100"], rule=RiskAlert.Rule.UNIT_CASE_RATE)
    assert set(RiskAlert.objects.visible_to(boss)) == {other, unit_alert}
    assert about_me not in RiskAlert.objects.editable_by(boss)


def test_it_scopes_unit_alerts_by_their_unit(bob, frank, tree, officers):
    gz = RiskAlertFactory(officer=None, unit=tree["5100"], rule=RiskAlert.Rule.UNIT_CASE_RATE)
    sz = RiskAlertFactory(officer=None, unit=tree["5200"], rule=RiskAlert.Rule.UNIT_CASE_RATE)
    assert set(RiskAlert.objects.visible_to(bob)) == {gz, sz}
    assert list(RiskAlert.objects.visible_to(frank)) == [sz]


def test_it_hides_a_customs_case_rate_alert_from_a_reader_named_in_a_case_there(bob, frank, tree, officers):
    # frank (supervision at 5200, working at 5200) is named in a case: the
    # 5200 case-rate alert may count him, so he does not see it; the 5100 one
    # and bob's view are unchanged.
    gz = RiskAlertFactory(officer=None, unit=tree["5100"], rule=RiskAlert.Rule.UNIT_CASE_RATE)
    sz = RiskAlertFactory(officer=None, unit=tree["5200"], rule=RiskAlert.Rule.UNIT_CASE_RATE)
    frank.officer.unit = tree["5201"]
    frank.officer.save()
    assert list(RiskAlert.objects.visible_to(frank)) == [sz]
    case_naming(frank.officer)
    assert list(RiskAlert.objects.visible_to(frank)) == []
    assert set(RiskAlert.objects.visible_to(bob)) == {gz, sz}


def test_it_shares_one_case_with_one_named_user(charlie, officers):
    case = case_naming(officers["5100"])
    case_naming(officers["5101"])
    assign_perm("integrity.view_case", charlie, case)
    assert list(Case.objects.visible_to(charlie)) == [case]
    # A share is for reading; changing stays with supervision in scope.
    assert Case.objects.editable_by(charlie).count() == 0


def test_it_keeps_the_conflict_rule_over_a_share(frank, officers):
    case = case_naming(frank.officer, officers["0200"])
    assign_perm("integrity.view_case", frank, case)
    assert Case.objects.visible_to(frank).count() == 0


def test_it_lets_nobody_edit_enforcement_statistics_by_hand(bob, officers):
    EnforcementStatFactory(officer=officers["5100"])
    assert EnforcementStat.objects.visible_to(bob).count() == 1
    assert EnforcementStat.objects.editable_by(bob).count() == 0


def test_it_gives_anonymous_and_inactive_users_nothing(tree, officers):
    from django.contrib.auth.models import AnonymousUser

    case_naming(officers["5100"])
    RiskAlertFactory(officer=officers["5100"])
    inactive = UserFactory(is_superuser=True, is_active=False)
    for user in (AnonymousUser(), inactive):
        assert Case.objects.visible_to(user).count() == 0
        assert RiskAlert.objects.visible_to(user).count() == 0
