"""Each reminder: who gets it, who does not (out of scope, need-to-know), no
duplicate on a second run; the colour boundaries at 20 and 10 days; the
1 October rule; the preferences; the daily schedule run twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from audit.models import RectificationItem
from integrity.models import AccessLog, RiskAlert
from jobs.models import Notification, ReminderPreference
from jobs.registry import Reminder
from jobs.services import reminders_deliver, reminders_send
from org.roles import Role
from tests.conftest import _user_with_grant
from tests.factories import OfficerFactory, ReserveCadreFactory
from training.models import TrainingRecord

D = dt.date


def sent(kind: str) -> dict[str, set[str]]:
    """{username: {keys}} of the messages of ``kind``."""
    out: dict[str, set[str]] = {}
    for username, key in Notification.objects.filter(kind=kind).values_list("recipient__username", "key"):
        out.setdefault(username, set()).add(key)
    return out


# --- Supervision ---------------------------------------------------------------


@pytest.fixture
def alerts(tree):
    gz_sup = _user_with_grant("gz_sup", Role.SUPERVISION, tree["5100"])
    tj_sup = _user_with_grant("tj_sup", Role.SUPERVISION, tree["0200"])
    suspect = _user_with_grant("suspect", Role.SUPERVISION, tree["5100"])
    hr = _user_with_grant("gz_hr", Role.HR, tree["5100"])
    officer = OfficerFactory(unit=tree["5101"])
    suspect_officer = OfficerFactory(unit=tree["5102"], user=suspect)
    tj_officer = OfficerFactory(unit=tree["0200"])

    def alert(rule, who, raised, status="open"):
        return RiskAlert.objects.create(
            rule=rule,
            officer=who,
            score=30,
            score_arithmetic="30",
            raised_on=raised,
            as_of=raised,
            status=status,
            facts=["fact"],
        )

    made = {
        "gz": alert("repeated_complaints", officer, D(2009, 5, 30)),
        "about_suspect": alert("repeated_complaints", suspect_officer, D(2009, 5, 31)),
        "tj": alert("repeated_complaints", tj_officer, D(2009, 6, 1)),
        "old": alert("rotation_overdue", officer, D(2009, 4, 1), status="in_review"),
        "stale_closed": RiskAlert.objects.create(
            rule="enforcement_outlier",
            officer=officer,
            score=30,
            score_arithmetic="30",
            raised_on=D(2009, 5, 31),
            as_of=D(2009, 5, 31),
            status="closed",
            disposition="no_issue",
        ),
    }
    return made, {"gz_sup": gz_sup, "tj_sup": tj_sup, "suspect": suspect, "hr": hr}


def test_it_tells_supervision_of_new_alerts_in_scope_only(alerts):
    a, _users = alerts
    reminders_send(as_of=D(2009, 6, 1), kinds=["alerts_new"])
    assert sent("alerts_new") == {
        "gz_sup": {f"alert-new:{a['gz'].pk}", f"alert-new:{a['about_suspect'].pk}"},
        # Never told of an alert about themselves (need-to-know), nor of Tianjin's.
        "suspect": {f"alert-new:{a['gz'].pk}"},
        "tj_sup": {f"alert-new:{a['tj'].pk}"},
    }
    message = Notification.objects.get(recipient__username="tj_sup")
    assert message.url == f"/integrity/alerts/{a['tj'].pk}/" and message.body == "fact"
    # A message naming an alert shows it: one access-log row per message.
    assert sorted(AccessLog.objects.values_list("username", "object_ids", "action")) == sorted(
        [
            ("gz_sup", str(a["gz"].pk), "report"),
            ("gz_sup", str(a["about_suspect"].pk), "report"),
            ("suspect", str(a["gz"].pk), "report"),
            ("tj_sup", str(a["tj"].pk), "report"),
        ]
    )
    # A second run the same day, or the next, sends nothing again.
    assert reminders_send(as_of=D(2009, 6, 1), kinds=["alerts_new"]) == {"alerts_new": 0}
    assert reminders_send(as_of=D(2009, 6, 2), kinds=["alerts_new"]) == {"alerts_new": 0}
    assert Notification.objects.count() == 4 and AccessLog.objects.count() == 4


def test_it_tells_supervision_of_alerts_past_their_review_date(alerts, settings):
    a, _users = alerts
    settings.REMINDERS = {**settings.REMINDERS, "alert_review_days": 30}
    # Raised 1 April: due by 1 May; on 1 May it is not yet late.
    reminders_send(as_of=D(2009, 5, 1), kinds=["alerts_overdue"])
    assert sent("alerts_overdue") == {}
    reminders_send(as_of=D(2009, 5, 2), kinds=["alerts_overdue"])
    assert sent("alerts_overdue") == {
        "gz_sup": {f"alert-overdue:{a['old'].pk}"},
        "suspect": {f"alert-overdue:{a['old'].pk}"},
    }
    assert reminders_send(as_of=D(2009, 5, 3), kinds=["alerts_overdue"]) == {"alerts_overdue": 0}


def test_it_names_no_record_the_recipient_no_longer_sees_when_it_is_sent(alerts):
    a, users = alerts
    hidden = Reminder(
        recipient=users["gz_sup"], kind="alerts_new", key="x", title="t", records=((RiskAlert, (a["tj"].pk,)),)
    )
    mixed = Reminder(
        recipient=users["gz_sup"],
        kind="alerts_new",
        key="y",
        title="t",
        records=((RiskAlert, (a["gz"].pk, a["tj"].pk)),),
    )
    shown = Reminder(
        recipient=users["gz_sup"], kind="alerts_new", key="z", title="t", records=((RiskAlert, (a["gz"].pk,)),)
    )
    assert reminders_deliver([hidden, mixed, shown]) == 1
    assert list(Notification.objects.values_list("key", flat=True)) == ["z"]


def test_it_follows_each_users_choice_of_inbox_and_e_mail(alerts):
    a, users = alerts
    users["gz_sup"].email = "gz@example.org"
    users["gz_sup"].save()
    ReminderPreference.objects.create(user=users["gz_sup"], kind="alerts_new", inbox=False, email=True)
    ReminderPreference.objects.create(user=users["tj_sup"], kind="alerts_new", inbox=False, email=False)
    reminders_send(as_of=D(2009, 6, 1), kinds=["alerts_new"])
    assert sent("alerts_new") == {
        "gz_sup": {f"alert-new:{a['gz'].pk}", f"alert-new:{a['about_suspect'].pk}"},
        "suspect": {f"alert-new:{a['gz'].pk}"},
    }
    assert not Notification.objects.filter(recipient=users["gz_sup"], shown=True).exists()
    assert Notification.objects.filter(recipient=users["suspect"], shown=True).count() == 1


def test_it_e_mails_once_the_messages_are_committed(alerts, django_capture_on_commit_callbacks):
    a, users = alerts
    users["gz_sup"].email = "gz@example.org"
    users["gz_sup"].save()
    ReminderPreference.objects.create(user=users["gz_sup"], kind="alerts_new", inbox=True, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(as_of=D(2009, 6, 1), kinds=["alerts_new"])
    assert sorted(m.to[0] for m in mail.outbox) == ["gz@example.org", "gz@example.org"]
    assert {m.body.splitlines()[-1] for m in mail.outbox} == {
        f"/integrity/alerts/{a['gz'].pk}/",
        f"/integrity/alerts/{a['about_suspect'].pk}/",
    }
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(as_of=D(2009, 6, 1), kinds=["alerts_new"])
    assert len(mail.outbox) == 2


# --- Audit -----------------------------------------------------------------------


@pytest.fixture
def ledger(tree):
    users = {
        "gz_audit": _user_with_grant("gz_audit", Role.AUDIT, tree["5100"]),
        "tj_audit": _user_with_grant("tj_audit", Role.AUDIT, tree["0200"]),
        "gz_sup": _user_with_grant("gz_sup", Role.SUPERVISION, tree["5100"]),
        "gz_lead": _user_with_grant("gz_lead", Role.LEADERSHIP, tree["5100"]),
    }
    gz, tj = OfficerFactory(unit=tree["5101"]), OfficerFactory(unit=tree["0200"])
    today = D(2009, 6, 1)

    def item(officer, left, department="audit", status="rectifying"):
        return RectificationItem.objects.create(
            source="manual",
            department=department,
            unit=officer.unit,
            officer=officer,
            description=f"problem {left}",
            measures="m",
            deadline=today + dt.timedelta(days=left),
            status=status,
            closed_date=today if status == "closed" else None,
        )

    items = {left: item(gz, left) for left in (21, 20, 11, 10, -1)} | {
        "tj": item(tj, 5),
        "supervision": item(gz, 5, department="supervision"),
        "closed": item(gz, 3, status="closed"),
    }
    return today, items, users


def test_it_warns_of_rectification_deadlines_in_three_colours(ledger):
    today, items, _users = ledger
    reminders_send(as_of=today, kinds=["rectification_deadline"])
    i = items
    assert sent("rectification_deadline") == {
        # 21 days left is green: no reminder. 20 and 11: yellow. 10: red. Past: overdue.
        "gz_audit": {
            f"rect:{i[20].pk}:2009-06-21:yellow",
            f"rect:{i[11].pk}:2009-06-12:yellow",
            f"rect:{i[10].pk}:2009-06-11:red",
            f"rect:{i[-1].pk}:2009-05-31:overdue",
        },
        # Tianjin's item goes to Tianjin's auditor only; the supervision
        # department's item to supervision; leadership reads the ledger but
        # keeps no items; a closed item is never reminded.
        "tj_audit": {f"rect:{i['tj'].pk}:2009-06-06:red"},
        "gz_sup": {f"rect:{i['supervision'].pk}:2009-06-06:red"},
    }
    assert reminders_send(as_of=today, kinds=["rectification_deadline"]) == {"rectification_deadline": 0}
    # A day later 21 → 20 turns yellow and 11 → 10 turns red: one message each, nothing else again.
    reminders_send(as_of=today + dt.timedelta(days=1), kinds=["rectification_deadline"])
    assert sent("rectification_deadline")["gz_audit"] - {
        f"rect:{i[20].pk}:2009-06-21:yellow",
        f"rect:{i[11].pk}:2009-06-12:yellow",
        f"rect:{i[10].pk}:2009-06-11:red",
        f"rect:{i[-1].pk}:2009-05-31:overdue",
    } == {f"rect:{i[21].pk}:2009-06-22:yellow", f"rect:{i[11].pk}:2009-06-12:red"}
    # The ten-day item passes its deadline on 12 June: overdue, once.
    reminders_send(as_of=D(2009, 6, 12), kinds=["rectification_deadline"])
    assert f"rect:{i[10].pk}:2009-06-11:overdue" in sent("rectification_deadline")["gz_audit"]


def test_it_reminds_again_when_a_deadline_is_moved(ledger):
    today, items, _users = ledger
    reminders_send(as_of=today, kinds=["rectification_deadline"])
    item = items[10]
    item.deadline = today + dt.timedelta(days=9)
    item.save()
    assert reminders_send(as_of=today, kinds=["rectification_deadline"]) == {"rectification_deadline": 1}


# --- HR ---------------------------------------------------------------------------


MARCH = D(2009, 3, 2)


def training(officer, days, start=MARCH, mode=TrainingRecord.Mode.IN_SERVICE, course="课程"):
    return TrainingRecord.objects.create(
        officer=officer,
        course=course,
        start_date=start,
        end_date=start + dt.timedelta(days=int(days)),
        days=Decimal(days),
        mode=mode,
    )


@pytest.fixture
def people(tree):
    users = {
        "gz_hr": _user_with_grant("gz_hr", Role.HR, tree["5100"]),
        "tj_hr": _user_with_grant("tj_hr", Role.HR, tree["0200"]),
        "gz_sup": _user_with_grant("gz_sup", Role.SUPERVISION, tree["5100"]),
    }
    o = {
        "short_5101": OfficerFactory(unit=tree["5101"], name="短甲"),
        "enough_5100": OfficerFactory(unit=tree["5100"], name="够乙"),
        "none_5102": OfficerFactory(unit=tree["5102"], name="零丙"),
        "short_tj": OfficerFactory(unit=tree["0200"], name="津丁"),
        "hired_2009": OfficerFactory(unit=tree["5100"], name="新戊", hire_date=D(2009, 3, 1)),
    }
    training(o["short_5101"], 11)
    training(o["enough_5100"], 12)
    training(o["short_tj"], 2)
    return users, o


def test_it_reminds_hr_of_training_shortfalls_from_1_october_only(people):
    users, o = people
    assert reminders_send(as_of=D(2009, 9, 30), kinds=["training_days_short"]) == {"training_days_short": 0}
    reminders_send(as_of=D(2009, 10, 1), kinds=["training_days_short"])
    assert sent("training_days_short") == {
        "gz_hr": {"training-days:2009-10:5101", "training-days:2009-10:5102"},
        "tj_hr": {"training-days:2009-10:0200"},
    }
    message = Notification.objects.get(key="training-days:2009-10:5101")
    assert f"{o['short_5101'].staff_no} 短甲" in message.body and "11" in message.body
    assert "津丁" not in "".join(Notification.objects.filter(recipient=users["gz_hr"]).values_list("body", flat=True))
    assert reminders_send(as_of=D(2009, 10, 2), kinds=["training_days_short"]) == {"training_days_short": 0}
    # Once a month: November's reminder is a new fact.
    assert reminders_send(as_of=D(2009, 11, 1), kinds=["training_days_short"]) == {"training_days_short": 3}


def test_it_reminds_hr_of_leaders_and_reserve_cadres_short_of_full_time_training(tree, people):
    users, _o = people
    division = OfficerFactory(unit=tree["5101"], name="处甲", is_leader=True, rank_level="division")
    bureau = OfficerFactory(unit=tree["5101"], name="局乙", is_leader=True, rank_level="bureau")
    OfficerFactory(unit=tree["5101"], name="科丙", is_leader=True, rank_level="section")
    reserve = OfficerFactory(unit=tree["5100"], name="备丁")
    removed = OfficerFactory(unit=tree["5100"], name="退戊")
    training(division, 20, mode=TrainingRecord.Mode.FULL_TIME, start=D(2006, 3, 1))
    training(bureau, 90, mode=TrainingRecord.Mode.FULL_TIME, start=D(2005, 3, 1))
    ReserveCadreFactory(officer=reserve)
    ReserveCadreFactory(officer=removed, removed_date=D(2009, 2, 1))
    assert reminders_send(as_of=D(2009, 9, 30), kinds=["fulltime_short"]) == {"fulltime_short": 0}
    reminders_send(as_of=D(2009, 10, 1), kinds=["fulltime_short"])
    assert sent("fulltime_short") == {"gz_hr": {"fulltime:2009-10:5101", "fulltime:2009-10:5100"}}
    bodies = dict(Notification.objects.values_list("key", "body"))
    assert "处甲" in bodies["fulltime:2009-10:5101"] and "20" in bodies["fulltime:2009-10:5101"]
    assert "局乙" not in bodies["fulltime:2009-10:5101"] and "科丙" not in bodies["fulltime:2009-10:5101"]
    assert "备丁" in bodies["fulltime:2009-10:5100"] and "退戊" not in bodies["fulltime:2009-10:5100"]
    assert reminders_send(as_of=D(2009, 10, 1), kinds=["fulltime_short"]) == {"fulltime_short": 0}


# --- The daily schedule -------------------------------------------------------------


def test_it_runs_the_schedules_once_a_day(alerts, capsys):
    call_command("run_schedules", as_of="2009-06-01")
    first = capsys.readouterr().out
    assert "risk_scan:" in first and "reminders:" in first and "已运行过" not in first
    count = Notification.objects.count()
    assert count > 0
    call_command("run_schedules", as_of="2009-06-01")
    second = capsys.readouterr().out
    assert second.count("2009-06-01 已运行过") == 3
    assert Notification.objects.count() == count
