"""Text as people type it on a Chinese keyboard.

A Chinese input method in full-width mode types ``２０２５`` and ``Ｔ０００１``:
they mean ``2025`` and ``T0001``. ``half_width`` folds the full-width digits
and Latin letters (U+FF10-FF19, U+FF21-FF3A, U+FF41-FF5A) and the ideographic
space (U+3000) to their ASCII forms, and nothing else: full-width punctuation
inside Chinese prose (``，`` ``：``) is part of the text and stays.
"""

from __future__ import annotations

_FOLDS = {
    code: code - 0xFEE0 for block in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for code in range(*block)
}
_FOLDS[0x3000] = 0x20


def half_width(text: str) -> str:
    """``text`` with full-width digits, letters and spaces as ASCII."""
    return text.translate(_FOLDS)


def clean_text(text: str) -> str:
    """``text`` folded to half width, without surrounding whitespace (the
    ideographic space included)."""
    return half_width(text).strip()
