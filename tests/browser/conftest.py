"""Browser journeys: Debian's chromium driven by Selenium through Debian's
chromedriver, against pytest-django's live server on the test database.

Nothing is downloaded at test time: the driver's path is given, so Selenium
Manager is never asked to find or fetch one (and SE_OFFLINE forbids it the
network should anything ask). Without chromium the tests skip on a
developer's machine and fail under CI (CI=true), where .ci/run installs it.
When a test fails, a screenshot and the page's HTML are saved to
``browser-artifacts/`` (or $BROWSER_ARTIFACTS), which .ci/run lists.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", Path(settings.BASE_DIR) / "browser-artifacts"))
DESKTOP = (1280, 900)
PHONE = (390, 844)


def require_chromium(paths=(CHROMIUM, CHROMEDRIVER)) -> None:
    """Skip without chromium, or fail under CI, where it must be there."""
    missing = [path for path in paths if not os.access(path, os.X_OK)]
    if not missing:
        return
    message = f"{', '.join(missing)} not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def browser(tmp_path):
    """A headless chromium asking for the Chinese UI, downloading to
    ``browser.downloads``."""
    require_chromium()
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--lang=zh-CN",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {
            "intl.accept_languages": "zh-CN,zh",
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
        },
    )
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.implicitly_wait(0)
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        driver = item.funcargs.get("browser")
        if driver is not None:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", item.name)
            try:
                driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
                (ARTIFACTS / f"{name}.html").write_text(driver.page_source, encoding="utf-8")
                report.sections.append(("browser", f"screenshot: {ARTIFACTS / name}.png at {driver.current_url}"))
            except Exception as error:  # a dead browser must not hide the test's own failure
                report.sections.append(("browser", f"no screenshot: {error}"))
    return report
