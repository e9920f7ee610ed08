"""The admin's import preview and confirm, through the import service.

import-export's admin views would run its own row-by-row import; these
overrides keep its forms, templates and export but send both steps through
``records_import``, so the admin applies exactly the rules of the command:
scope, every problem as ``row N, column C: message``, all or nothing,
history with the user, and an ImportLog row for the preview and the import.

The uploaded file arrives in memory (``uploads.BoundedMemoryUploadHandler``)
and waits between preview and confirm in the cache (the database cache,
never a temporary folder), tied to the user who uploaded it and removed on
confirm; an abandoned preview expires after an hour. Both steps go through
the service, so the file's bounds (``files.Limits``) apply to both.

The preview is a page a person can check: the rows to be created and, for
the rows that update a record, each field that changes (before -> after),
paged (``?upload=KEY&page=N`` reads the preview kept with the upload); the
problems as a table; and for a refused file a link to download it again
with a problems column beside each bad row (``import/problems/?upload=KEY``,
``annotated.annotated_file``), made by checking the kept file once more.
The import page links to the kind's blank template (``workbook_template``).

Exports (``StreamingExportMixin``, part of every ``ScopedAdmin``) keep
import-export's form, with the workbook and, in the Chinese interface, the
Chinese headers and labels chosen by default, and write the file as the
list's rows are read (``exporting``), never through a ``Dataset``.
"""

from __future__ import annotations

import os
import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from import_export.formats.base_formats import CSV, XLSX
from import_export.signals import post_export
from import_export.tmp_storages import CacheStorage

from . import jobs as import_jobs
from .annotated import annotated_file
from .export_form import RecordExportForm, default_header_mode
from .exporting import CHINESE, CONTENT_TYPES, csv_chunks, resource_sheet, write_xlsx
from .files import FileUnreadable
from .formats import EXPORT_FORMATS
from .headers import header_labels
from .resources import RecordResource
from .services import records_import
from .workbook_template import write_import_template

SHOWN_PROBLEMS = 1000
# Rows of the preview kept with the upload, and shown on a page.
PREVIEW_ROWS = 1000
PREVIEW_PAGE = 50


class UploadCacheStorage(CacheStorage):
    CACHE_LIFETIME = 3600
    CACHE_PREFIX = "records-import-"


def spooled(write):
    """A temporary file filled by ``write(file)`` and rewound, for a
    ``FileResponse`` to stream (and close): a workbook is a zip, complete
    only at its end, so it is written out before its first byte is sent."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    try:
        write(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


class StreamingExportMixin:
    """The admin's export written as the rows are read (core.importing.exporting):
    CSV streams out as it is written; a workbook is written to a temporary
    file, then streamed. The rows are those of the list (its scope, filters
    and search: ``get_export_queryset``)."""

    export_form_class = RecordExportForm

    def log_export(self, request, queryset, resource) -> None:
        """Runs in the export's transaction, before its rows are read."""

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        if not self.has_export_permission(request):
            raise PermissionDenied
        extension = "." + file_format.get_extension()
        resource = self.choose_export_resource_class(export_form, request)(**self.get_export_resource_kwargs(request))
        columns = self.get_export_resource_fields_from_form(export_form)
        mode = export_form.header_mode() if isinstance(export_form, RecordExportForm) else default_header_mode()
        with transaction.atomic():
            if isinstance(resource, RecordResource):
                sheet = resource.sheet(
                    queryset, mode=mode, typed=extension == ".xlsx" and mode == CHINESE, columns=columns
                )
            else:
                sheet = resource_sheet(resource, queryset, columns=columns)
            self.log_export(request, queryset, resource)
        if extension == ".csv":
            response = StreamingHttpResponse(csv_chunks(sheet), content_type=CONTENT_TYPES[extension])
        else:
            response = FileResponse(spooled(lambda out: write_xlsx(sheet, out)), content_type=CONTENT_TYPES[extension])
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        post_export.send(sender=None, model=self.model)
        return response


class RecordImportMixin:
    """Mix into an ``ImportExportModelAdmin`` whose resource is a RecordResource."""

    import_template_name = "admin/importing/import.html"
    tmp_storage_class = UploadCacheStorage

    @property
    def import_formats(self):
        return [CSV, XLSX]

    @property
    def export_formats(self):
        return EXPORT_FORMATS

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{prefix}_import_template",
            ),
            path(
                "import/problems/",
                self.admin_site.admin_view(self.problems_download),
                name=f"{prefix}_import_problems",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request):
        """The kind's blank .xlsx import template (workbook_template)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        kind = self._record_kind(request)
        return FileResponse(
            spooled(lambda out: write_import_template(kind, out)),
            as_attachment=True,
            filename=f"{kind}-template.xlsx",
            content_type=CONTENT_TYPES[".xlsx"],
        )

    def _record_kind(self, request) -> str:
        return self.get_import_resource_classes(request)[0].record_kind

    def _storage(self, name=None):
        return self.get_tmp_storage_class()(name=name, read_mode="rb", encoding=None)

    def _import_context(self, request, form, **extra):
        resource_class = self.get_import_resource_classes(request)[0]
        labels = header_labels(resource_class)
        context = self.get_import_context_data()
        context.update(self.admin_site.each_context(request))
        context.update(
            title=_("Import"),
            form=form,
            opts=self.model._meta,
            media=self.media + form.media,
            fields_list=[
                (
                    resource_class.get_display_name(),
                    [
                        " / ".join(dict.fromkeys((labels[c.column_name], c.column_name, *c.aliases)))
                        for c in resource_class.columns()
                    ],
                )
            ],
            import_error_display=self.import_error_display,
            shown_problems=SHOWN_PROBLEMS,
        )
        context.update(extra)
        if "outcome" in extra:
            context["problems"] = extra["outcome"].problems[:SHOWN_PROBLEMS]
        request.current_app = self.admin_site.name
        return context

    def _url(self, name) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}")

    def _saved(self, request, key):
        """The upload kept under ``key`` for this user and kind, or None."""
        if not key:
            return None
        saved = self._storage(key).read()
        if saved and saved.get("user") == request.user.pk and saved.get("kind") == self._record_kind(request):
            return saved
        return None

    def _preview_context(self, request, key, saved, page_number=1) -> dict:
        extra = {"upload_key": key, "summary": saved["summary"]}
        preview = saved.get("preview")
        if preview is not None:
            extra["preview"] = preview
            extra["preview_page"] = Paginator(preview.rows, PREVIEW_PAGE).get_page(page_number)
        if saved["summary"]["succeeded"]:
            extra["confirm_form"] = self.confirm_form_class(
                initial={
                    "import_file_name": key,
                    "original_file_name": saved["name"],
                    "format": saved.get("format", ""),
                    "resource": "",
                }
            )
        return extra

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        extra = {}
        if request.method == "GET" and "upload" in request.GET:
            # A further page of a preview: only its own user sees it.
            key = request.GET["upload"]
            saved = self._saved(request, key)
            if saved is None or not saved["summary"]["succeeded"]:
                messages.error(request, _("The uploaded file is no longer available; please upload it again."))
                return HttpResponseRedirect(self._url("import"))
            extra = self._preview_context(request, key, saved, request.GET.get("page"))
        elif request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            rows = import_jobs.large_file_rows(upload, upload.name)
            if rows is not None:
                job = import_jobs.import_job_start(
                    kind=self._record_kind(request),
                    source=upload,
                    file_name=upload.name,
                    rows=rows,
                    dry_run=True,
                    acting_user=request.user,
                )
                messages.info(request, _("A large file: it is checked in the background, see My jobs."))
                return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))
            # The service bounds the file (its size first, before reading).
            outcome = records_import(
                kind=self._record_kind(request),
                dataset_or_file=upload,
                file_name=upload.name,
                acting_user=request.user,
                dry_run=True,
                preview_rows=PREVIEW_ROWS,
            )
            extra["outcome"] = outcome
            whole_file = any(p.row == 1 and p.column == "-" for p in outcome.problems)
            if outcome.succeeded or not whole_file:
                upload.seek(0)
                storage = self._storage()
                saved = {
                    "user": request.user.pk,
                    "kind": self._record_kind(request),
                    "name": upload.name,
                    "format": form.cleaned_data["format"],
                    "data": upload.read(),
                    "preview": outcome.preview,
                    "summary": {
                        "file_name": outcome.file_name,
                        "rows": outcome.rows,
                        "created": outcome.created,
                        "updated": outcome.updated,
                        "unchanged": outcome.unchanged,
                        "notice": outcome.notice,
                        "succeeded": outcome.succeeded,
                    },
                }
                storage.save(saved)
                extra.update(self._preview_context(request, storage.name, saved))
        context = self._import_context(request, form, **extra)
        return TemplateResponse(request, [self.import_template_name], context)

    @method_decorator(require_GET)
    def problems_download(self, request):
        """The kept upload with a problems column beside each bad row."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        saved = self._saved(request, request.GET.get("upload"))
        if saved is None:
            messages.error(request, _("The uploaded file is no longer available; please upload it again."))
            return HttpResponseRedirect(self._url("import"))
        # Checked again: the problems are those of the data as it is now.
        outcome = records_import(
            kind=saved["kind"],
            dataset_or_file=saved["data"],
            file_name=saved["name"],
            acting_user=request.user,
            dry_run=True,
        )
        try:
            content, content_type = annotated_file(saved["data"], saved["name"], outcome.problems)
        except (FileUnreadable, ValueError, OSError):
            messages.error(request, _("The file cannot be read again; please upload it again."))
            return HttpResponseRedirect(self._url("import"))
        stem, extension = os.path.splitext(os.path.basename(saved["name"]))
        response = HttpResponse(content, content_type=content_type)
        name = _("%(name)s (problems)%(extension)s") % {"name": stem, "extension": extension}
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        import_url = self._url("import")
        kind, saved = self._record_kind(request), None
        if confirm_form.is_valid():
            key = confirm_form.cleaned_data["import_file_name"]
            # Only the user who uploaded the file may import it (the form
            # only carries the cache key; everything else comes from the cache).
            saved = self._saved(request, key)
            if saved is not None:
                self._storage(key).remove()
        if not saved or not saved["summary"]["succeeded"]:
            messages.error(request, _("The uploaded file is no longer available; please upload it again."))
            return HttpResponseRedirect(import_url)
        outcome = records_import(
            kind=kind, dataset_or_file=saved["data"], file_name=saved["name"], acting_user=request.user, dry_run=False
        )
        if not outcome.succeeded:
            # The data changed between preview and confirm; show why.
            context = self._import_context(request, self._blank_import_form(request), outcome=outcome)
            return TemplateResponse(request, [self.import_template_name], context)
        messages.success(
            request,
            _("Imported %(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "file": outcome.file_name,
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
            },
        )
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def _blank_import_form(self, request):
        form_class = self.get_import_form_class(request)
        return form_class(self.get_import_formats(), self.get_import_resource_classes(request))
