"""Evidence attachments (佐证材料): storage, checks and the record of each file.

Each record kind that takes evidence has its own model built on
``EvidenceFile`` (``audit.RectificationEvidence``, ``integrity.CaseEvidence``),
so each points at its own record and no domain app has to point at another
for the files' sake. What they share lives here:

- the storage: ``settings.STORAGES["evidence"]``, a local folder outside
  STATIC_ROOT and every public URL by default; any django-storages backend
  by setting. Files are never served by URL, only by a view that checks
  access (``evidence_response``);
- the checks: size (``EVIDENCE_MAX_BYTES``) and type, decided from the
  file's first bytes (``filetype``), the name's extension having to agree;
- the SHA-256 of the bytes stored, recorded at upload, and
  ``evidence_verify`` to tell whether the stored file still has it.
"""

from __future__ import annotations

import hashlib
import uuid

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def evidence_storage():
    """The evidence storage (a callable, so that migrations do not freeze it)."""
    return storages["evidence"]


def _stored_name(instance, filename: str) -> str:
    # A random name: the original is kept in ``original_name``, and a name
    # chosen by the uploader never becomes a path.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{instance._meta.app_label}/{uuid.uuid4().hex}.{extension}"


def sniff(data: bytes) -> str | None:
    """The MIME type the bytes are, or None when not recognised."""
    kind = filetype.guess(data)
    return kind.mime if kind is not None else None


def evidence_check(upload) -> tuple[bytes, str]:
    """The upload's bytes and type, or ValidationError naming what is wrong."""
    name = upload.name or ""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s bytes; the largest file accepted is %(max)s bytes.")
            % {"name": name, "size": upload.size, "max": settings.EVIDENCE_MAX_BYTES}
        )
    upload.seek(0)
    data = upload.read()
    if len(data) != upload.size:
        raise ValidationError(_("%(name)s was not received whole; upload it again.") % {"name": name})
    mime = sniff(data)
    allowed = settings.EVIDENCE_TYPES
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if mime not in allowed:
        raise ValidationError(
            _("%(name)s is not a file type accepted as evidence (accepted: %(types)s).")
            % {"name": name, "types": ", ".join(sorted(e for exts in allowed.values() for e in exts))}
        )
    if extension not in allowed[mime]:
        raise ValidationError(
            _("%(name)s does not contain what its name says (its content is %(type)s).") % {"name": name, "type": mime}
        )
    return data, mime


class EvidenceFile(models.Model):
    """One stored file with what was recorded when it was uploaded."""

    file = models.FileField(gettext_lazy("file"), storage=evidence_storage, upload_to=_stored_name, max_length=200)
    original_name = models.CharField(gettext_lazy("file name"), max_length=255)
    content_type = models.CharField(gettext_lazy("type"), max_length=100)
    size = models.PositiveBigIntegerField(gettext_lazy("size in bytes"))
    sha256 = models.CharField(gettext_lazy("SHA-256"), max_length=64)
    description = models.CharField(gettext_lazy("file description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


def evidence_fill(record: EvidenceFile, *, upload, description: str, acting_user) -> EvidenceFile:
    """Check ``upload`` and store it on ``record`` (not yet saved)."""
    data, mime = evidence_check(upload)
    record.original_name = (upload.name or "")[-255:]
    record.content_type = mime
    record.size = len(data)
    record.sha256 = hashlib.sha256(data).hexdigest()
    record.description = (description or "").strip()[:200]
    record.uploaded_by = acting_user
    record.file.save(record.original_name, ContentFile(data), save=False)
    return record


def evidence_verify(record: EvidenceFile) -> bool:
    """Does the stored file still have the hash recorded at upload?"""
    digest = hashlib.sha256()
    with record.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest() == record.sha256


def evidence_response(record: EvidenceFile) -> FileResponse:
    """The file as a download (never displayed inline: a PDF or an image
    opens in the reader's own program, not in the site's origin)."""
    response = FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=record.original_name,
        content_type=record.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
