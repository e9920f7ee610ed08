"""The Tasks API: Django 6's ``django.tasks`` where it exists, else its
backport ``django_tasks``, so the jobs move to Django 6 unchanged."""

try:
    from django.tasks import default_task_backend, task, task_backends
except ImportError:
    from django_tasks import default_task_backend, task, task_backends

__all__ = ["default_task_backend", "task", "task_backends"]
