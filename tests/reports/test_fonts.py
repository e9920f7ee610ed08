"""Which font the PDFs embed, and the fallback when there is none."""

import glob

import pytest

from reports.pdf import dossier, fonts

from .conftest import YEAR
from .pdftools import needs_poppler, pdf_fonts, pdf_text

LATIN_ONLY = next(iter(glob.glob("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")), None)


@pytest.fixture
def fresh_font(monkeypatch):
    monkeypatch.delenv("REPORTS_CJK_FONT", raising=False)
    fonts.reset_for_tests()
    yield
    # Leave the process as the other tests expect it: the real font.
    fonts.reset_for_tests()


def test_it_finds_a_cjk_truetype_font_on_this_machine(fresh_font):
    choice = fonts.cjk_font()
    assert choice.embedded, "install fonts-wqy-microhei (see reports/README.md)"
    assert choice.path.endswith((".ttf", ".ttc"))


def test_it_uses_the_configured_font_path(fresh_font, settings):
    found = fonts.cjk_font().path
    fonts.reset_for_tests()
    settings.REPORTS_CJK_FONT = found
    assert fonts.cjk_font().path == found


@pytest.mark.skipif(LATIN_ONLY is None, reason="DejaVu Sans is not installed")
def test_it_skips_a_configured_font_without_chinese_glyphs(fresh_font, settings):
    settings.REPORTS_CJK_FONT = LATIN_ONLY
    choice = fonts.cjk_font()
    assert choice.path != LATIN_ONLY and choice.embedded


@needs_poppler
@pytest.mark.django_db
def test_it_falls_back_to_the_builtin_cid_font_with_a_warning(fresh_font, monkeypatch, leader):
    monkeypatch.setattr(fonts, "CANDIDATES", ())
    with pytest.warns(RuntimeWarning, match="NOT embedded"):
        choice = fonts.cjk_font()
    assert (choice.name, choice.embedded) == ("STSong-Light", False)
    pdf = dossier.render(leader, YEAR, None)
    assert [f["name"] for f in pdf_fonts(pdf)] == ["STSong-Light"]
    assert "张伟" in pdf_text(pdf)
