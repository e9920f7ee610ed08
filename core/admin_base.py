"""The admin base every record kind uses: grants decide, never model perms.

Django's model permissions would give a role everywhere or nowhere; here a
user may act on a record only where a grant of the right role covers its
unit. Lists, change pages, history, autocompletes, exports and imports all
go through the model's ``visible_to`` / ``editable_by``; a record outside
them answers 404 so its existence is not disclosed.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter, SimpleListFilter
from django.contrib.admin.options import IS_FACETS_VAR, IS_POPUP_VAR, TO_FIELD_VAR, IncorrectLookupParameters
from django.contrib.admin.utils import NestedObjects, quote, unquote
from django.contrib.admin.views.main import ALL_VAR, ERROR_FLAG, ORDER_VAR, PAGE_VAR, SEARCH_VAR, ChangeList
from django.contrib.admin.widgets import url_params_from_lookup_dict
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import router
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.forms import ModelChoiceField
from django.http import Http404, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst, smart_split, unescape_string_literal
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from org.access import request_access
from org.scoping import sees_everything

from .importing.admin import StreamingExportMixin
from .importing.formats import EXPORT_FORMATS


def _prune(nested):
    """Drop the entries ``describe`` hid (None), with what was nested under them."""
    out = []
    for item in nested:
        if isinstance(item, list):
            if out and out[-1] is not None:
                kept = _prune(item)
                if kept:
                    out.append(kept)
        else:
            out.append(item)
    return [item for item in out if item is not None]


def _is_autocomplete(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name == "autocomplete")


# Query-string parameters of a list that are not filters: page, ordering by
# a shown column, search, show all, facets, popup, the field a popup returns.
LIST_CONTROL_PARAMS = frozenset(
    (PAGE_VAR, ERROR_FLAG, ORDER_VAR, SEARCH_VAR, ALL_VAR, IS_FACETS_VAR, IS_POPUP_VAR, TO_FIELD_VAR)
)
DATE_HIERARCHY_PARTS = ("year", "month", "day")


def _filter_path(item) -> str | None:
    """The field path a ``list_filter`` entry filters on (None: a SimpleListFilter)."""
    if isinstance(item, (list, tuple)):
        return item[0]
    if isinstance(item, str):
        return item
    return None


def _any_contains(fields, word) -> Q:
    """Django's search condition for one word: any of ``fields`` contains it."""
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": word})
    return condition


class CappedCountPaginator(Paginator):
    """A list's paginator that counts at most ``CAP`` + 1 rows.

    An exact COUNT over ten million training records reads them all on
    every page; ``SELECT COUNT(*) FROM (... LIMIT CAP + 1)`` stops early. A
    list longer than ``CAP`` says "more than CAP" and pages through its
    first ``CAP`` rows; a search or a filter narrows it down.

    The count drops the list's ordering: any ``CAP`` + 1 rows count the same,
    and without an ORDER BY the database stops at the first rows it finds
    (for a scoped list, the records of the first officers in scope, by the
    officer index) instead of reading the list in order.
    """

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()
        return min(rows[: self.CAP + 1].count(), self.CAP + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.CAP

    @cached_property
    def num_pages(self) -> int:
        return max(1, -(-min(self.count, self.CAP) // self.per_page))


class DeclaredOrderingChangeList(ChangeList):
    """Django sorts by any column index in ``?o=``; this list sorts only by
    the columns ``get_sortable_by`` declares for the user."""

    def get_ordering_field(self, field_name):
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)

    def get_results(self, request):
        super().get_results(request)
        # "more than 10,000" instead of a number nobody counted.
        self.result_count_capped = getattr(self.paginator, "capped", False)
        if self.result_count_capped:
            self.can_show_all = False


class DeclaredLookupsOnly:
    """The one rule for what a list may be filtered, searched and sorted by.

    Mixed into every admin of the project (ScopedAdmin, ReadOnlyAdmin and the
    auth admins re-registered in personnel.admin). A list, its export and its
    autocomplete accept:

    - the parameters of the filters the admin declares in ``list_filter``
      (the field path itself, or a lookup on that field; a relation field
      only by its primary key) and of its ``date_hierarchy`` (year, month,
      day), plus the list's own controls (page, ordering, search, ...);
    - a search over ``search_fields``, ordering by the shown columns.

    Anything else in the query string is dropped with a message naming it,
    never turned into a query. A declared filter, search field, date
    hierarchy or sortable column counts only for a user who may read every
    record kind its path passes through, and only along forward relations
    (from the record to what it points at): a reverse relation would tell
    which records have (or lack) records of another kind -- for an officer,
    complaints or cases -- so it is never followed.
    """

    # --- which kinds a lookup path may pass through
    def _may_read_model(self, request, model) -> bool:
        if model is self.model:
            return True
        model_admin = self.admin_site._registry.get(model)
        if model_admin is not None:
            return model_admin.has_view_permission(request)
        scope = getattr(model, "scope", None)
        if scope is not None:
            return request_access(request).has_grant(scope.read) or sees_everything(request.user)
        return sees_everything(request.user)

    def _path_fields(self, path: str):
        """The fields a lookup path names, from this admin's model; the rest
        of the path (lookups and transforms) is ignored. None if the path
        follows a reverse relation or names no field."""
        model, fields = self.model, []
        for part in path.split(LOOKUP_SEP):
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                break
            if field.is_relation and not field.concrete:
                return None  # a reverse relation (or a generic one)
            fields.append(field)
            if not field.is_relation:
                break
            model = field.related_model
        return fields or None

    def lookup_path_allowed(self, request, path: str) -> bool:
        """May ``request.user`` filter, search or sort this list by ``path``?"""
        fields = self._path_fields(path)
        if fields is None:
            return False
        return all(self._may_read_model(request, f.related_model) for f in fields if f.is_relation)

    # --- the declared lookups, narrowed to the user
    def get_list_filter(self, request):
        declared = []
        for item in super().get_list_filter(request):
            path = _filter_path(item)
            if path is None:
                declared.append(item)
                continue
            if not self.lookup_path_allowed(request, path):
                continue
            if isinstance(item, str) and self._path_fields(path)[-1].is_relation:
                # Offer only the related records the user's own list points
                # at, never every row of the related table.
                item = (item, RelatedOnlyFieldListFilter)
            declared.append(item)
        return declared

    def get_search_fields(self, request):
        return [
            field
            for field in super().get_search_fields(request)
            if self.lookup_path_allowed(request, field.lstrip("^=@"))
        ]

    def get_sortable_by(self, request):
        return [name for name in super().get_sortable_by(request) if self._column_sortable(request, name)]

    def _column_sortable(self, request, column) -> bool:
        if isinstance(column, str):
            try:
                self.model._meta.get_field(column)
                return self.lookup_path_allowed(request, column)
            except FieldDoesNotExist:
                column = getattr(self, column, None) or getattr(self.model, column, None)
        path = getattr(column, "admin_order_field", None)
        return isinstance(path, str) and self.lookup_path_allowed(request, path.lstrip("-"))

    def get_changelist(self, request, **kwargs):
        return DeclaredOrderingChangeList

    def _declared_param(self, request, key: str) -> bool:
        if key in LIST_CONTROL_PARAMS:
            return True
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                if key == item.parameter_name:
                    return True
                continue
            path = _filter_path(item)
            if path is not None and self._filter_param(path, key):
                return True
        hierarchy = self._date_hierarchy(request)
        return bool(hierarchy) and key in {f"{hierarchy}{LOOKUP_SEP}{part}" for part in DATE_HIERARCHY_PARTS}

    def _filter_param(self, path: str, key: str) -> bool:
        """Is ``key`` the declared filter ``path`` or a lookup on its field?
        A relation field is matched only through its primary key, so the
        parameter cannot walk on into the related kind."""
        if key == path:
            return True
        prefix = path + LOOKUP_SEP
        if not key.startswith(prefix):
            return False
        rest = key[len(prefix) :].split(LOOKUP_SEP)
        field = self._path_fields(path)[-1]
        if field.is_relation:
            target = field.related_model._meta
            if rest[0] in ("pk", target.pk.name, target.pk.attname):
                rest = rest[1:]
            return all(self._is_lookup_name(target.pk, part) for part in rest)
        return all(self._is_lookup_name(field, part) for part in rest)

    @staticmethod
    def _is_lookup_name(field, part: str) -> bool:
        return field.get_lookup(part) is not None or field.get_transform(part) is not None

    def _date_hierarchy(self, request):
        hierarchy = self.date_hierarchy
        return hierarchy if hierarchy and self.lookup_path_allowed(request, hierarchy) else None

    def lookup_allowed(self, lookup, value, request=None):
        if request is None:
            return False
        # Django's raw-id popups filter by a field's limit_choices_to.
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in url_params_from_lookup_dict(fk_lookup).items():
                return True
        return self._declared_param(request, lookup)

    def undeclared_params(self, request) -> list[str]:
        """Query-string parameters this list does not accept from this user."""
        return sorted(
            key
            for key, values in request.GET.lists()
            if not any(self.lookup_allowed(key, value, request) for value in values)
        )

    def refuse_undeclared(self, request, target: str):
        """A redirect to ``target`` without the parameters this list does not
        accept, with a message naming them; None when there are none."""
        refused = self.undeclared_params(request)
        if not refused:
            return None
        kept = request.GET.copy()
        for key in refused:
            del kept[key]
        messages.warning(
            request,
            gettext("This list cannot be filtered by %(params)s; the filter was ignored.")
            % {"params": ", ".join(f"“{key}”" for key in refused)},
        )
        return HttpResponseRedirect(f"{target}?{kept.urlencode()}" if kept else target)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        refused = self.refuse_undeclared(request, request.path)
        if refused is not None:
            return refused
        if ERROR_FLAG in request.GET:
            # Django lands here after a filter value or page it could not use.
            messages.warning(
                request, gettext("The filter or page in the address was not valid; showing the whole list.")
            )
        return super().changelist_view(request, extra_context)


class ScopedAdmin(DeclaredLookupsOnly, StreamingExportMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    # The formats of data-formats.md; the files are written as the rows are
    # read, formulas neutralised (StreamingExportMixin).
    export_formats = EXPORT_FORMATS
    list_per_page = 50
    show_full_result_count = False  # one COUNT(*) less on national lists
    paginator = CappedCountPaginator

    # --- what the user may see
    def get_queryset(self, request):
        # The list knows (one query per request) whether any record of the
        # kind is shared with the user; without shares the scope is a plain
        # semi-join the planner can drive by index (org/scoping.py).
        access = request_access(request)
        shared = not access.everything and access.shares(self.model)
        return super().get_queryset(request).visible_to(request.user, shared=shared)

    def _scope(self):
        return self.model.scope

    def _has_grant(self, request, roles) -> bool:
        return request_access(request).has_grant(roles) or sees_everything(request.user)

    def _may_read_kind(self, request) -> bool:
        user = request.user
        if self._has_grant(request, self._scope().read):
            return True
        # An officer reads records about themselves (access.md, "officer").
        if self._scope().own and hasattr(user, "officer"):
            return True
        # A record shared with the user shows in their list like any other.
        return request_access(request).shares(self.model)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and self._may_read_kind(request)

    def has_view_permission(self, request, obj=None):
        if sees_everything(request.user):
            # Also for a deleted record's history, which no scope can match.
            return True
        if obj is None:
            return self._may_read_kind(request)
        return self._record_permission(request, "visible_to", obj)

    def has_change_permission(self, request, obj=None):
        if sees_everything(request.user):
            return True
        if not self._scope().write:
            return False
        if obj is None:
            return self._has_grant(request, self._scope().write)
        return self._record_permission(request, "editable_by", obj)

    def _record_permission(self, request, which: str, obj) -> bool:
        """Is ``obj`` in ``visible_to`` / ``editable_by`` of the user? A change
        or history page asks each question of the same record five or six
        times; a GET changes no record, so there each answer is asked of the
        database once. A POST may move the record, so it asks every time."""

        def ask():
            return getattr(self.model.objects, which)(request.user).filter(pk=obj.pk).exists()

        if request.method not in ("GET", "HEAD"):
            return ask()
        return request_access(request).remembered((which, self.model, obj.pk), ask)

    def has_add_permission(self, request):
        return bool(self._scope().write) and self._has_grant(request, self._scope().write)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def has_export_permission(self, request):
        return self._may_read_kind(request)

    def export_action(self, request):
        # The export takes the list's query string: the same rule, the same
        # plain answers, and a filter value it cannot use is not a traceback.
        if not self.has_export_permission(request):
            raise PermissionDenied
        refused = self.refuse_undeclared(request, request.path)
        if refused is not None:
            return refused
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            messages.error(request, gettext("The filter in the address was not valid; nothing was exported."))
            return HttpResponseRedirect(request.path)

    # --- a record outside the user's grants does not exist for them
    def get_object(self, request, object_id, from_field=None):
        # Django checks permissions before it notices the object is missing,
        # so a user without the kind's permission would get 403 for an id
        # outside their scope, and a user with it 404: answer 404 first.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        if request.method in ("GET", "HEAD"):
            # Found through get_queryset, which lies within visible_to: the
            # page's own view-permission checks need not ask again.
            request_access(request).remembered(("visible_to", self.model, obj.pk), lambda: True)
        return obj

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects with "doesn't exist"; a record outside the user's
        # grants must look exactly like one that does not exist: 404.
        raise Http404

    def _visible_or_404(self, request, object_id):
        """The live record, or None for a deleted one whose history a
        superuser may still read; 404 for everything else."""
        object_id = unquote(object_id)
        try:
            return self.get_object(request, object_id)
        except Http404:
            if not sees_everything(request.user):
                raise
        try:
            pk = self.model._meta.pk.to_python(object_id)
        except ValidationError:
            raise Http404 from None
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        if not history.filter(**{self.model._meta.pk.attname: pk}).exists():
            raise Http404
        return None

    def history_view(self, request, object_id, extra_context=None):
        # simple_history falls back to the last historical version when the
        # queryset misses, then answers 403: that would disclose the record.
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self._visible_or_404(request, object_id)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        try:
            history.model._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404 from None  # a version id that is not a number names no version
        # simple_history saves a POSTed revert after checking view permission
        # only; a read-only user would otherwise roll the record back.
        if request.method == "POST" and not self.has_change_permission(request, obj):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- deleting: never name a related record the user may not see
    def get_deleted_objects(self, objs, request):
        """Django's confirmation page names every record a deletion would
        touch or is blocked by -- for an officer, the complaints and cases
        naming them, which HR must not learn of. Name only what the user may
        see; anything else blocks the deletion under one anonymous line.
        """
        if sees_everything(request.user):
            return super().get_deleted_objects(objs, request)
        try:
            first = objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
        collector.collect(objs)
        perms_needed, unseen = set(), []

        def describe(obj):
            opts = obj._meta
            model_admin = self.admin_site._registry.get(type(obj))
            if model_admin is None:
                # Derived rows (scope table, grants) and inline parts: their
                # owner is what the user is shown, not them.
                return None
            if not model_admin.has_view_permission(request, obj):
                unseen.append(obj)
                return None
            if not model_admin.has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            try:
                url = reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=(quote(obj.pk),)
                )
            except NoReverseMatch:
                return f"{capfirst(opts.verbose_name)}: {obj}"
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

        to_delete = _prune(collector.nested(describe))
        if unseen:
            perms_needed.add(_("records you may not see"))
        protected = []
        for obj in collector.protected:
            shown = describe(obj)
            if shown is not None:
                protected.append(shown)
        if len(protected) < len(collector.protected):
            protected.append(_("records you may not see"))
        model_count = {
            model._meta.verbose_name_plural: len(found)
            for model, found in collector.model_objs.items()
            if model in self.admin_site._registry
        }
        return to_delete, model_count, perms_needed, protected

    # --- the page's fields
    @cached_property
    def _field_names(self) -> dict[tuple, tuple[str, ...]]:
        return {}

    def get_fields(self, request, obj=None):
        """The names of the form's fields and then the read-only ones, as
        Django answers them, kept for each set of read-only and excluded
        fields. Django builds a whole form class to learn them (its choices
        scoped to the user, the current values read) and builds it again for
        the page; the names depend on the form and those two sets only."""
        if self.fields:
            return self.fields
        readonly = tuple(self.get_readonly_fields(request, obj))
        excluded = self.get_exclude(request, obj)
        key = (readonly, None if excluded is None else tuple(excluded))
        if key not in self._field_names:
            self._field_names[key] = tuple(super().get_fields(request, obj))
        return list(self._field_names[key])

    # --- what the user may pick on a form: only what they may write to
    def _choices(self, request, related_model):
        """Records of ``related_model`` a record of this kind may point at:
        those whose unit the user covers for this kind's write roles."""
        return related_model.objects.within_grants(request.user, self._scope().write)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if hasattr(related, "scope"):
            kwargs["queryset"] = self._choices(request, related)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.pk is not None:
            self._keep_current_choices(form, obj)
        return form

    def _keep_current_choices(self, form, obj):
        """Let a record keep what it points at now, even outside the editor's
        write scope: 5100's parent is hq, and a posting may be at the customs
        the officer left. Otherwise no field of such a record could be saved.

        The value is read from the database, not from ``obj``: on a history
        revert ``obj`` is the old version, and reverting must not move a
        record to a unit the editor could not choose.
        """
        fks = [
            f
            for f in self.model._meta.concrete_fields
            if f.many_to_one and f.name in form.base_fields and hasattr(f.related_model, "scope")
        ]
        if not fks:
            return
        current = self.model._default_manager.filter(pk=obj.pk).values(*[f.attname for f in fks]).first()
        for f in fks:
            value = (current or {}).get(f.attname)
            field = form.base_fields[f.name]
            if value is None or not isinstance(field, ModelChoiceField):
                continue
            field.queryset = f.related_model._default_manager.filter(
                Q(pk__in=field.queryset.values("pk")) | Q(pk=value)
            )
            # The admin wraps the select in RelatedFieldWidgetWrapper; the
            # inner (autocomplete) widget renders the selected option from
            # its own copy of the choices.
            widget = field.widget
            while widget is not None:
                widget.choices = field.choices
                widget = getattr(widget, "widget", None)

    # A unique, indexed column a search term may equal exactly (an officer's
    # staff number): such a term finds the rows by that index alone instead
    # of a substring match over every row of the list.
    exact_search_field: str | None = None
    # A forward relation (``"officer"``) whose search fields are searched in
    # the related table first (see ``_search_through``).
    search_through: str | None = None

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        field = self.exact_search_field
        if field and term and not _is_autocomplete(request) and field in self.get_search_fields(request):
            exact = queryset.filter(**{field: term})
            if exact.exists():
                return exact, False
        if term and not _is_autocomplete(request):
            found = self._search_through(request, queryset, term)
            if found is not None:
                return found, False
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if _is_autocomplete(request):
            queryset = self._autocomplete_choices(request, queryset)
        return queryset, may_have_duplicates

    # At most this many matching officers are read into the query as ids;
    # a broader word (a surname alone) stays a subquery. Below SQLite's
    # oldest limit of 999 parameters.
    SEARCH_THROUGH_IDS = 900

    def _search_through(self, request, queryset, term):
        """Search ``search_through``'s fields in its own table, then the
        records pointing at what matched; None where it does not apply.

        Django's search ORs ``UPPER(officer.name) LIKE '%...%'`` with the
        record's own fields over the officer join: no index serves it, and a
        name search walked the training records' date index, joining each,
        until fifty matched (2.9 million entries and 23 s for a name with
        615 records among ten million).
        Here each word (split and unquoted as Django does) is first looked
        up in the officer table -- once: the ids of up to
        ``SEARCH_THROUGH_IDS`` officers go into the list's queries, so the
        count, the page and the date hierarchy reach their records by the
        record's officer index (on PostgreSQL a trigram index serves the
        lookup itself, personnel migration 0005). A word that names no
        officer of the list's records searches the record's other fields (a
        training course) instead: a word names an officer or a course, and
        ORing the two back together would scan every record again. Whether
        a word names an officer is asked of the list itself (the user's
        scope applied), so the choice tells nothing of officers the user may
        not see.
        """
        fields = self.get_search_fields(request)
        via = self.search_through
        if not via or any(name.startswith(("^", "=", "@")) for name in fields):
            return None
        prefix = via + LOOKUP_SEP
        through = [name.removeprefix(prefix) for name in fields if name.startswith(prefix)]
        others = [name for name in fields if not name.startswith(prefix)]
        if not through:
            return None
        related = self.model._meta.get_field(via).related_model._base_manager
        for word in smart_split(term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            named = related.filter(_any_contains(through, word)).values_list("pk", flat=True)
            ids = list(named[: self.SEARCH_THROUGH_IDS + 1])
            narrowed = queryset.filter(**{f"{via}__in": named if len(ids) > self.SEARCH_THROUGH_IDS else ids})
            if others and not (ids and narrowed.exists()):
                narrowed = queryset.filter(_any_contains(others, word))
            queryset = narrowed
        return queryset

    def _autocomplete_choices(self, request, queryset):
        """An autocomplete offers what the form would accept, no more: the
        records of this kind that the *source* kind's writers may point at.
        Django's view has already checked the parameters name a real field."""
        source = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        source_admin = self.admin_site._registry.get(source)
        if isinstance(source_admin, ScopedAdmin):
            choices = source_admin._choices(request, self.model)
        elif hasattr(source, "scope"):
            choices = self.model.objects.within_grants(request.user, source.scope.write)
        else:
            return queryset
        return queryset.filter(pk__in=choices.values("pk"))


class ReadOnlyAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    """For append-only logs: nobody adds, changes or deletes through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def officer_file_link(officer) -> str:
    """The officer, linking to their file (the people surface's page, which
    answers for whoever may see the officer)."""
    if officer is None:
        return "—"
    return format_html('<a href="{}">{}</a>', reverse("people:officer_file", args=[officer.staff_no]), officer)


class OfficerFileColumn:
    """An ``officer_file`` column for the lists of records about an officer:
    the officer, linking to their file; sorted like the officer column."""

    @admin.display(description=_("officer"), ordering="officer")
    def officer_file(self, obj):
        return officer_file_link(obj.officer if getattr(obj, "officer_id", None) else None)
