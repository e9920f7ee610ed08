"""The admin's import preview and confirm, through the import service.

import-export's admin views would run its own row-by-row import; these
overrides keep its forms, templates and export but send both steps through
``records_import``, so the admin applies exactly the rules of the command:
scope, every problem as ``row N, column C: message``, all or nothing,
history with the user, and an ImportLog row for the preview and the import.

The uploaded file arrives in memory (``uploads.BoundedMemoryUploadHandler``)
and waits between preview and confirm in the cache (never in a temporary
folder), tied to the user who uploaded it and removed on confirm; an
abandoned preview expires after an hour. Both steps go through the
service, so the file's bounds (``files.Limits``) apply to both. The import
page links to the kind's blank template (``workbook_template``).

Exports (``StreamingExportMixin``, part of every ``ScopedAdmin``) keep
import-export's form, with the workbook and, in the Chinese interface, the
Chinese headers and labels chosen by default, and write the file as the
list's rows are read (``exporting``), never through a ``Dataset``.
"""

from __future__ import annotations

import tempfile

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm
from import_export.signals import post_export
from import_export.tmp_storages import CacheStorage

from .exporting import CHINESE, CODES, CONTENT_TYPES, csv_chunks, resource_sheet, write_xlsx
from .formats import EXPORT_FORMATS
from .headers import column_label
from .resources import RecordResource
from .services import records_import
from .workbook_template import write_import_template

SHOWN_PROBLEMS = 1000


class UploadCacheStorage(CacheStorage):
    CACHE_LIFETIME = 3600
    CACHE_PREFIX = "records-import-"


def default_header_mode() -> str:
    """Chinese headers and labels in the Chinese interface, the codes otherwise."""
    return CHINESE if (translation.get_language() or "").startswith("zh") else CODES


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


class RecordExportForm(SelectableFieldsExportForm):
    """import-export's export form with the workbook chosen by default and
    a choice between Chinese headers and labels and the canonical codes."""

    headers = forms.ChoiceField(
        label=gettext_lazy("Headers and values"),
        choices=[
            (CHINESE, gettext_lazy("Chinese headers and labels")),
            (CODES, gettext_lazy("Canonical column names and codes (for scripts)")),
        ],
        required=False,
    )

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].initial = "0"
        self.fields["headers"].initial = default_header_mode()
        if not any(issubclass(resource, RecordResource) for resource in resources):
            self.fields["headers"].widget = forms.HiddenInput()
        self.order_fields(["format", "headers"])

    def header_mode(self) -> str:
        return self.cleaned_data.get("headers") or default_header_mode()


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
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
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
                        " / ".join(dict.fromkeys((c.column_name, column_label(resource_class, c), *c.aliases)))
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

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        extra = {}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            # The service bounds the file (its size first, before reading).
            outcome = records_import(
                kind=self._record_kind(request),
                dataset_or_file=upload,
                file_name=upload.name,
                acting_user=request.user,
                dry_run=True,
            )
            extra["outcome"] = outcome
            if outcome.succeeded:
                upload.seek(0)
                storage = self._storage()
                storage.save(
                    {
                        "user": request.user.pk,
                        "kind": self._record_kind(request),
                        "name": upload.name,
                        "data": upload.read(),
                    }
                )
                extra["confirm_form"] = self.confirm_form_class(
                    initial={
                        "import_file_name": storage.name,
                        "original_file_name": upload.name,
                        "format": form.cleaned_data["format"],
                        "resource": form.cleaned_data.get("resource", ""),
                    }
                )
        context = self._import_context(request, form, **extra)
        return TemplateResponse(request, [self.import_template_name], context)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        import_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        kind, saved = self._record_kind(request), None
        if confirm_form.is_valid():
            storage = self._storage(confirm_form.cleaned_data["import_file_name"])
            saved = storage.read()
            # Only the user who uploaded the file may import it (the form
            # only carries the cache key; everything else comes from the cache).
            if saved and saved.get("user") == request.user.pk and saved.get("kind") == kind:
                storage.remove()
            else:
                saved = None
        if not saved:
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
