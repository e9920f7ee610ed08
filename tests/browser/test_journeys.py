"""The five journeys of issue 12 in a real browser (see conftest.py).

The world is built by hand so every figure is known: in the last complete
year Y, 5100 has three officers employed all year at 5101 -- 王五 (a
division-level leader, 8 days of training), 赵六 (12) and 李四 (12, and
5 days so far this year; the account "li") -- so "training ≥ 12 days"
reads 2 / 3 until HR adds 4 days for 王五.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import translation
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from accounts.services import grant_create
from integrity.models import Case, RiskAlert
from org.roles import Role
from personnel.models import Officer
from tests.factories import OfficerFactory, PostingFactory, UserFactory
from tests.integrity.factories import RiskAlertFactory
from training.models import TrainingRecord

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw"
TODAY = dt.date.today()
Y = TODAY.year - 1
TRAINING_CARD = "//article[.//a[contains(@href, '/indicators/training_days_12/')]]"


def _training(officer, course, start, days, mode=TrainingRecord.Mode.IN_SERVICE):
    TrainingRecord.objects.create(
        officer=officer, course=course, start_date=start, end_date=start + dt.timedelta(days=days), days=days, mode=mode
    )


@pytest.fixture
def world(transactional_db, tree, alice, bob, dora):
    li = UserFactory(username="li")
    qian = UserFactory(username="qian", first_name="钱七")
    grant_create(user=qian, role=Role.SUPERVISION, unit=tree["9100"])
    people = {
        "wang": OfficerFactory(
            staff_no="S5101W",
            name="王五",
            unit=tree["5101"],
            is_leader=True,
            rank_level=Officer.RankLevel.DIVISION,
            position="副关长",
        ),
        "zhao": OfficerFactory(staff_no="S5101Z", name="赵六", unit=tree["5101"]),
        "li": OfficerFactory(staff_no="S5101L", name="李四", unit=tree["5101"], user=li),
    }
    _training(people["wang"], "政治理论", dt.date(Y, 3, 2), 8)
    _training(people["zhao"], "业务培训", dt.date(Y, 4, 1), 12)
    _training(people["li"], "业务培训", dt.date(Y, 4, 1), 12)
    _training(people["li"], "外语培训", dt.date(TODAY.year, 1, 2), 5)
    PostingFactory(
        officer=people["zhao"], unit=tree["5102"], position="查验岗", start_date=dt.date(Y - 7, 1, 1), post_risk="high"
    )
    alerts = {
        "rotation": RiskAlertFactory(
            officer=people["zhao"],
            rule=RiskAlert.Rule.ROTATION_OVERDUE,
            score=40,
            facts=["查验岗 since the start: over five years"],
            as_of=dt.date(Y, 12, 31),
        ),
        "complaints": RiskAlertFactory(officer=people["wang"], score=30, as_of=dt.date(Y, 12, 31)),
    }
    return {
        "people": people,
        "alerts": alerts,
        "users": {"hr": alice, "supervisor": bob, "leader": dora, "li": li, "reviewer": qian},
    }


# --- Steps ----------------------------------------------------------------------------------------------------------


def wait(browser, seconds=10):
    # A condition read while the next page replaces the current one meets stale elements: read it again.
    return WebDriverWait(browser, seconds, ignored_exceptions=[StaleElementReferenceException])


def log_in(browser, live_server, username):
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()
    wait(browser).until(lambda b: "/accounts/login/" not in b.current_url)


def card_ratio(browser) -> str:
    return browser.find_element(By.XPATH, TRAINING_CARD + "//*[contains(@class, 'ratio')]").text.strip()


def days(browser, css) -> str:
    return browser.find_element(By.CSS_SELECTOR, f"{css} .days").text.strip()


def submit(browser, form_css):
    browser.find_element(By.CSS_SELECTOR, f"{form_css} [type=submit]").click()


def set_date(browser, by, locator, value: dt.date):
    # Date inputs take the digits in the browser's locale order; set the value directly.
    field = browser.find_element(by, locator)
    browser.execute_script("arguments[0].value = arguments[1]", field, value.isoformat())


def wait_for_notice(browser, text):
    wait(browser).until(lambda b: text in notice_text(b))


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(getattr(label, "label", label))


def notice_text(browser) -> str:
    # One script call reads them all: the page may be replaced by the next
    # one between reading the notices one by one, and chromium then answers
    # an old page's element with an error that is no stale-element error.
    return browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]), n => n.innerText).join(' ')",
        ".notice, .messagelist li, .messages li",
    )


# --- The journeys ----------------------------------------------------------------------------------------------------


def test_hr_records_a_course_from_an_officers_file_and_the_dashboard_changes(browser, live_server, world):
    log_in(browser, live_server, "alice")
    browser.get(f"{live_server.url}/?unit=5100&year={Y}")
    assert card_ratio(browser) == "2 / 3"

    browser.get(f"{live_server.url}/people/officers/S5101W/?year={Y}")
    assert days(browser, "#training-status") == "8"
    browser.find_element(By.CSS_SELECTOR, "#training details.add summary").click()
    form = "#training form"
    browser.find_element(By.NAME, "training-course").send_keys("廉政教育专题班")
    # Date inputs take the digits in the browser's locale order; set them directly.
    for name, value in (("training-start_date", f"{Y}-10-12"), ("training-end_date", f"{Y}-10-15")):
        field = browser.find_element(By.NAME, name)
        browser.execute_script("arguments[0].value = arguments[1]", field, value)
    browser.find_element(By.NAME, "training-days").send_keys("4")
    Select(browser.find_element(By.NAME, "training-mode")).select_by_value("in_service")
    submit(browser, form)

    wait(browser).until(EC.url_contains("#training"))
    assert "廉政教育专题班" in notice_text(browser)
    assert days(browser, "#training-status") == "12"
    assert TrainingRecord.objects.filter(officer=world["people"]["wang"], course="廉政教育专题班").count() == 1

    browser.get(f"{live_server.url}/?unit=5100&year={Y}")
    assert card_ratio(browser) == "3 / 3"


def test_a_supervisor_reviews_and_closes_an_alert_and_refers_another_to_a_case(browser, live_server, world):
    rotation, complaints = world["alerts"]["rotation"], world["alerts"]["complaints"]
    qian = world["users"]["reviewer"]
    due = TODAY + dt.timedelta(days=14)
    log_in(browser, live_server, "bob")
    browser.get(f"{live_server.url}/integrity/alerts/")
    browser.find_element(By.CSS_SELECTOR, f"#alerts a[href$='/integrity/alerts/{rotation.pk}/']").click()
    wait(browser).until(EC.url_contains(f"/integrity/alerts/{rotation.pk}/"))
    # The officer named by the alert opens their file from here.
    assert browser.find_element(By.CSS_SELECTOR, "#officer a[href='/people/officers/S5101Z/']")

    # Assign the alert to a fellow reviewer with a due date.
    Select(browser.find_element(By.ID, "assign_assignee")).select_by_value(str(qian.pk))
    set_date(browser, By.ID, "assign_due_date", due)
    submit(browser, "#assignment form")
    wait_for_notice(browser, "指派已保存。")
    rotation.refresh_from_db()
    assert (rotation.assignee, rotation.due_date, rotation.status) == (qian, due, "open")
    assignment = browser.find_element(By.ID, "assignment").text
    assert (qian.get_full_name() or qian.username) in assignment and due.isoformat() in assignment

    # Review it: start, write a note, conclude (办结) with a disposition.
    submit(browser, "#actions form[action$='/review/']")
    wait_for_notice(browser, "已开始核查。")
    browser.find_element(By.ID, "note_text").send_keys("已核对岗位记录。")
    submit(browser, "#notes form")
    wait_for_notice(browser, "已添加备注。")
    assert "已核对岗位记录。" in browser.find_element(By.CSS_SELECTOR, "#notes .thread").text
    close_form = "#actions form[action$='/close/']"
    Select(browser.find_element(By.CSS_SELECTOR, f"{close_form} select[name=disposition]")).select_by_value(
        "action_taken"
    )
    browser.find_element(By.CSS_SELECTOR, f"{close_form} textarea[name=note]").send_keys("已安排轮岗。")
    submit(browser, close_form)
    wait_for_notice(browser, "预警已办结。")
    assert not browser.find_elements(By.CSS_SELECTOR, close_form)
    assert (
        browser.find_element(By.ID, "alert-status").text
        == f"{zh(RiskAlert.Status.CLOSED)}（{zh(RiskAlert.Disposition.ACTION_TAKEN)}）"
    )
    rotation.refresh_from_db()
    assert (rotation.status, rotation.disposition, rotation.reviewer.username, rotation.note) == (
        "closed",
        "action_taken",
        "bob",
        "已安排轮岗。",
    )
    assert list(rotation.notes.values_list("text", "author__username")) == [("已核对岗位记录。", "bob")]

    # Refer the other alert to a case, naming the officer's own category in it.
    browser.get(f"{live_server.url}/integrity/alerts/{complaints.pk}/")
    refer_form = "#actions form[action$='/refer/']"
    browser.find_element(By.CSS_SELECTOR, f"{refer_form} input[name=case_no]").send_keys("AJ-BROWSER-1")
    Select(browser.find_element(By.CSS_SELECTOR, f"{refer_form} select[name=category]")).select_by_value("discipline")
    set_date(browser, By.CSS_SELECTOR, f"{refer_form} input[name=opened_date]", dt.date(Y, 12, 31))
    browser.find_element(By.CSS_SELECTOR, f"{refer_form} textarea[name=note]").send_keys("两次举报，移送立案。")
    submit(browser, refer_form)
    wait_for_notice(browser, "AJ-BROWSER-1")
    assert not browser.find_elements(By.CSS_SELECTOR, refer_form)
    assert browser.find_element(By.CSS_SELECTOR, "#actions a[href*='/integrity/case/']").text == "AJ-BROWSER-1"
    complaints.refresh_from_db()
    case = Case.objects.get(case_no="AJ-BROWSER-1")
    assert (complaints.status, complaints.disposition, complaints.case) == ("closed", "referred_to_case", case)
    assert case.opened_date == dt.date(Y, 12, 31)
    assert list(case.involved.values_list("officer__staff_no", "category")) == [("S5101W", "discipline")]


def test_a_leader_drills_from_a_missed_indicator_to_an_officers_file_and_downloads_the_dossier(
    browser, live_server, world
):
    log_in(browser, live_server, "dora")
    browser.get(f"{live_server.url}/?unit=5100&year={Y}")
    assert card_ratio(browser) == "2 / 3"
    browser.find_element(By.XPATH, TRAINING_CARD + "//a[contains(@href, '/indicators/training_days_12/')]").click()
    wait(browser).until(EC.url_contains("/indicators/training_days_12/"))
    browser.find_element(By.NAME, "missing").click()
    browser.find_element(By.CSS_SELECTOR, "form.picker [type=submit]").click()
    wait(browser).until(EC.url_contains("missing=1"))
    rows = browser.find_elements(By.CSS_SELECTOR, ".drill-table tbody tr")
    assert len(rows) == 1
    rows[0].find_element(By.CSS_SELECTOR, "a[href^='/people/officers/S5101W/']").click()

    wait(browser).until(EC.url_contains("/people/officers/S5101W/"))
    assert browser.find_element(By.CSS_SELECTOR, "h1").text.startswith("干部档案")
    assert days(browser, "#training-status") == "8"
    assert days(browser, "#leader-status") == "0"  # a division-level leader: the five-year rule
    assert browser.find_element(By.ID, "integrity-withheld")  # leadership: counts of one officer withheld
    browser.find_element(By.ID, "dossier").click()
    pdf = _downloaded(browser.downloads, ".pdf")
    assert pdf.name.startswith("S5101W_") and pdf.read_bytes().startswith(b"%PDF")


def _downloaded(folder, suffix, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing downloaded to {folder}: {list(folder.iterdir())}")


def test_an_officer_reads_their_own_file_and_training_status(browser, live_server, world):
    log_in(browser, live_server, "li")
    # A plain officer's landing page leads to their own records.
    browser.find_element(By.CSS_SELECTOR, "main a[href='/people/me/']").click()
    wait(browser).until(EC.url_contains("/people/me/"))
    assert days(browser, "#this-year .big") == "5"
    assert days(browser, "#missing") == "7"  # 12 - 5 days still missing
    courses = browser.find_element(By.ID, "training-records").text
    assert "外语培训" in courses and "业务培训" in courses
    page = browser.page_source
    assert 'id="integrity"' not in page and 'id="reserve"' not in page
    assert (
        browser.find_element(By.ID, "dossier")
        .get_attribute("href")
        .endswith(f"/reports/officers/S5101L/appraisal.pdf?year={Y}")
    )


def test_the_alert_queue_at_phone_width(browser, live_server, world):
    rotation = world["alerts"]["rotation"]
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 3, "mobile": True},
    )
    log_in(browser, live_server, "bob")
    browser.get(f"{live_server.url}/integrity/alerts/")
    assert browser.execute_script("return window.innerWidth") == PHONE[0]
    # Each row is a card: no header row, cells labelled by their column, nothing wider than the screen.
    assert not browser.find_element(By.CSS_SELECTOR, "#alerts thead").is_displayed()
    rows = browser.find_elements(By.CSS_SELECTOR, "#alerts tbody tr")
    assert len(rows) == 2 and all(0 < row.rect["width"] <= PHONE[0] for row in rows)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
    score = browser.find_element(By.CSS_SELECTOR, "#alerts tbody td.num")
    label = browser.execute_script("return getComputedStyle(arguments[0], '::before').content", score)
    assert label == '"风险分值："'
    links = browser.find_elements(By.CSS_SELECTOR, "#alerts tbody a")
    assert len(links) == 2 and all(link.is_displayed() for link in links)

    # A bulk action from the queue: tick the card, start its review.
    tick = browser.find_element(By.ID, f"pick_{rotation.pk}")
    browser.execute_script("arguments[0].scrollIntoView()", tick)
    tick.click()
    Select(browser.find_element(By.ID, "bulk_bulk_action")).select_by_value("review")
    button = browser.find_element(By.CSS_SELECTOR, "#queue-bulk [type=submit]")
    browser.execute_script("arguments[0].scrollIntoView()", button)
    button.click()
    wait_for_notice(browser, "已开始核查 1 条预警。")
    rotation.refresh_from_db()
    assert (rotation.status, rotation.reviewer.username) == (RiskAlert.Status.IN_REVIEW, "bob")
    link = browser.find_element(By.CSS_SELECTOR, f"#alerts a[href$='/integrity/alerts/{rotation.pk}/']")
    card = link.find_element(By.XPATH, "./ancestor::tr")
    assert zh(RiskAlert.Status.IN_REVIEW) in card.text

    # The review page in one column: the decision panel under the evidence, ready to conclude.
    browser.execute_script("arguments[0].scrollIntoView()", link)
    link.click()
    wait(browser).until(EC.url_contains(f"/integrity/alerts/{rotation.pk}/"))
    main, side = (browser.find_element(By.CSS_SELECTOR, css).rect for css in (".review-main", ".review-side"))
    assert side["x"] == main["x"] and side["y"] >= main["y"] + main["height"]
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
    assert browser.find_element(By.CSS_SELECTOR, "#actions form[action$='/close/'] textarea[name=note]")
