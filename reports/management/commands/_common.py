"""What the PDF commands share: the reader, the year, the output file."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from reports import access


def add_reader_argument(parser):
    parser.add_argument(
        "--user",
        metavar="USERNAME",
        help=_(
            "Render the PDF as this user would see it. Without it the command has full access "
            "(an operator on the server)."
        ),
    )


def reader(options):
    username = options.get("user")
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(_("No active user %(name)s.") % {"name": username}) from None


def output_path(raw: str, suffix: str) -> Path:
    path = Path(raw)
    if path.suffix.lower() != suffix:
        raise CommandError(_("The output file must end in %(suffix)s.") % {"suffix": suffix})
    if not path.parent.exists():
        raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
    return path


def officer(staff_no: str, who):
    try:
        return access.officer_or_404(staff_no, who)
    except Http404:
        # Unknown and out-of-grants look the same, as on the web.
        raise CommandError(_("No officer with staff number %(no)s.") % {"no": staff_no}) from None


def unit(code: str, who, *, report: bool):
    try:
        return access.report_unit_or_404(code, who) if report else access.unit_or_404(code, who)
    except Http404:
        raise CommandError(_("No unit with code %(code)s.") % {"code": code}) from None


class ProgressBar:
    """A one-line bar on standard error (stdout stays clean for scripts)."""

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        filled = int(self.width * done / total) if total else self.width
        elapsed = time.perf_counter() - self.started
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {elapsed:.1f}s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
