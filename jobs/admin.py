"""The task backend's own admin (django_tasks_db's task results) is left
out: a task result holds the parameters of another user's job, and the
owner reads a job on "my jobs" (jobs.views), a superuser there too. Every
admin list of the project follows one rule for lookups
(core/admin_base.py::DeclaredLookupsOnly), which the backend's does not."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
