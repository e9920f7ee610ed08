"""The one CJK font every PDF uses.

A PDF must show every Chinese character on a computer with no Chinese fonts,
so the font has to be embedded. reportlab embeds TrueType fonts as subsets
(only the glyphs used), which keeps a dossier at tens of kilobytes instead of
the megabytes of a full CJK font. CFF-flavoured OpenType fonts (Noto Sans
CJK, Source Han) cannot be loaded by reportlab, so only TrueType (.ttf/.ttc)
candidates are tried.

Order: the configured path (setting or environment variable
``REPORTS_CJK_FONT``, optionally ``REPORTS_CJK_FONT_INDEX`` for a .ttc), then
common system locations. With none of them the built-in CID font
STSong-Light is used with a warning: it renders only where the reader's PDF
viewer has an Asian font pack, which is exactly what the embedding avoids.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

logger = logging.getLogger(__name__)

FONT_NAME = "ReportCJK"
FALLBACK_CID_FONT = "STSong-Light"

# (path, subfont index). TrueType collections hold several faces; index 0 is
# the regular face in each of these.
CANDIDATES: tuple[tuple[str, int], ...] = (
    # Debian/Ubuntu: fonts-wqy-microhei, fonts-wqy-zenhei, fonts-arphic-uming/ukai
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", 0),
    # Fedora/RHEL
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    # Windows
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    # macOS
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
)


@dataclass(frozen=True)
class FontChoice:
    name: str  # the reportlab font name to use in styles and charts
    path: str | None  # None for the non-embedded CID fallback
    embedded: bool


_lock = threading.Lock()
_choice: FontChoice | None = None


def _configured() -> list[tuple[str, int]]:
    path = getattr(settings, "REPORTS_CJK_FONT", None) or os.environ.get("REPORTS_CJK_FONT")
    if not path:
        return []
    index = getattr(settings, "REPORTS_CJK_FONT_INDEX", None)
    if index is None:
        index = os.environ.get("REPORTS_CJK_FONT_INDEX", 0)
    return [(str(path), int(index))]


def _try_register(path: str, index: int) -> bool:
    if not Path(path).is_file():
        return False
    try:
        font = TTFont(FONT_NAME, path, subfontIndex=index)
    except (TTFError, OSError, ValueError) as exc:
        logger.warning("Cannot use %s (face %s) for PDFs: %s", path, index, exc)
        return False
    # A Latin-only TrueType font would load fine and print every Chinese
    # character as a blank box; insist on a common CJK glyph.
    if ord("中") not in font.face.charWidths:
        logger.warning("Cannot use %s for PDFs: it has no Chinese glyphs", path)
        return False
    pdfmetrics.registerFont(font)
    # One face serves all four styles: CJK fonts rarely ship a bold or an
    # italic, and reportlab would otherwise fall back to Helvetica for <b>.
    pdfmetrics.registerFontFamily(FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME)
    return True


def cjk_font() -> FontChoice:
    """Register (once per process) and return the font every PDF uses."""
    global _choice
    if _choice is not None:
        return _choice
    with _lock:
        if _choice is None:
            configured = _configured()
            for path, index in configured + list(CANDIDATES):
                if _try_register(path, index):
                    _choice = FontChoice(FONT_NAME, path, True)
                    break
            else:
                if configured:
                    logger.warning("The configured REPORTS_CJK_FONT %s could not be used.", configured[0][0])
                message = (
                    "No CJK TrueType font found; PDFs use the built-in CID font "
                    f"{FALLBACK_CID_FONT}, which is NOT embedded and shows Chinese only "
                    "where the viewer has an Asian font pack. Install fonts-wqy-microhei "
                    "or set REPORTS_CJK_FONT (see README)."
                )
                warnings.warn(message, RuntimeWarning, stacklevel=2)
                logger.warning(message)
                pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
                _choice = FontChoice(FALLBACK_CID_FONT, None, False)
    return _choice


def reset_for_tests() -> None:
    """Forget the choice so a test can exercise the search again."""
    global _choice
    with _lock:
        _choice = None
