"""The admin site: Django's, with the sidebar of kinds kept for each set of
permissions.

Every admin page lists, in its sidebar, the record kinds the user may open:
Django asks each kind's admin for the user's permissions, reverses two URLs
and builds a dict per kind, then renders the list -- about a fifth of an
admin page's time, the same for every page a user opens. What decides the
list is the answers to those permission questions (and the URLs and the
language); what decides the rendered sidebar is the list and which of its
links the current address lies under. Both are kept by exactly that, so a
user whose grants change gets another list on their next page.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.template.defaultfilters import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.addresses import url_scheme

# Kept entries per kind of thing; emptied when full.
_KEPT_MAX = 1024


def _keep(store: dict, key, make):
    value = store.get(key)
    if value is None:
        if len(store) >= _KEPT_MAX:
            store.clear()
        value = store[key] = make()
    return value


class AdminSite(admin.AdminSite):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._app_dicts: dict = {}
        self._sidebars: dict = {}

    def _permissions(self, request, label) -> tuple:
        """Each kind the user may open (of app ``label``, if given) with the
        permissions its admin grants: the questions Django's list asks."""
        found = []
        for model, model_admin in self._registry.items():
            if label and model._meta.app_label != label:
                continue
            if not model_admin.has_module_permission(request):
                continue
            perms = model_admin.get_model_perms(request)
            if True in perms.values():
                found.append((model._meta.label, tuple(sorted(perms.items()))))
        return tuple(found)

    def _build_app_dict(self, request, label=None):
        key = (self._permissions(request, label), label, url_scheme(), get_language())
        built = _keep(self._app_dicts, key, lambda: super(AdminSite, self)._build_app_dict(request, label))
        # get_app_list sorts the models in place: each page gets its own lists.
        return {app_label: {**app, "models": [dict(m) for m in app["models"]]} for app_label, app in built.items()}

    def nav_sidebar(self, context) -> str:
        """The sidebar of ``admin/nav_sidebar.html`` for this page, rendered
        once per list of kinds, current link and language."""
        # As the template reads them: a page without them shows the empty list.
        available = context.get("available_apps") or []
        request = context.get("request")
        path = urlencode(request.path) if request is not None else ""
        links = [app["app_url"] for app in available] + [m["admin_url"] for app in available for m in app["models"]]
        key = (
            tuple(
                (app["app_label"], app["app_url"])
                + tuple((m["object_name"], m["admin_url"], m["add_url"], m.get("view_only")) for m in app["models"])
                for app in available
            ),
            frozenset(link for link in links if link and link in path),
            get_language(),
        )
        template = context.template.engine.get_template("admin/nav_sidebar.html")
        return _keep(self._sidebars, key, lambda: mark_safe(template.render(context)))


class ProjectAdminConfig(AdminConfig):
    default_site = "core.admin_site.AdminSite"
