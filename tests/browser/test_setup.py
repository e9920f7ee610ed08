"""The browser tests skip without chromium on a developer's machine and fail
under CI."""

import pytest
from _pytest.outcomes import Failed, Skipped

from .conftest import require_chromium


def test_a_missing_browser_skips_outside_ci(monkeypatch, tmp_path):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(Skipped, match="nosuch-chromium"):
        require_chromium((str(tmp_path / "nosuch-chromium"),))


def test_a_missing_browser_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(Failed, match="nosuch-chromium"):
        require_chromium((str(tmp_path / "nosuch-chromium"),))


def test_a_present_browser_passes(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    program = tmp_path / "chromium"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    assert require_chromium((str(program),)) is None
