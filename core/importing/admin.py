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
service, so the file's bounds (``files.Limits``) apply to both.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.formats.base_formats import CSV, XLSX
from import_export.tmp_storages import CacheStorage

from . import jobs as import_jobs
from .formats import EXPORT_FORMATS
from .services import records_import

SHOWN_PROBLEMS = 1000


class UploadCacheStorage(CacheStorage):
    CACHE_LIFETIME = 3600
    CACHE_PREFIX = "records-import-"


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
                    [" / ".join((c.column_name, *c.aliases)) for c in resource_class.columns()],
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
            data = upload.read()
            upload.seek(0)
            if import_jobs.is_large(data, upload.name):
                job = import_jobs.preview_start(
                    kind=self._record_kind(request), data=data, file_name=upload.name, acting_user=request.user
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
