"""Read PDFs back the way a reviewer would: poppler's pdftotext and pdffonts."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts) is not installed")


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pdf_fonts(pdf: bytes) -> list[dict]:
    """One dict per font: name, type, emb ("yes"/"no")."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    lines = out.splitlines()[2:]
    fonts = []
    for line in lines:
        # name type... encoding emb sub uni object-id generation
        parts = line.split()
        fonts.append({"name": parts[0], "emb": parts[-5]})
    return fonts
