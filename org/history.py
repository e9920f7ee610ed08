"""The change history every record kind keeps (django-simple-history)."""

from __future__ import annotations

import functools

from simple_history import manager, models


class HistoryManager(manager.HistoryManager):
    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        """The manager class for ``queryset_class``, made once.

        django-simple-history makes the manager of ``Model.history`` anew on
        every access (``HistoryDescriptor``), which copies the queryset's
        methods by inspecting it; every save reads it to write its history
        row, so each save spent a fifth of a millisecond making a class."""
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(models.HistoricalRecords):
    """``HistoricalRecords`` with the manager above (the library's own
    ``history_manager`` option)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("history_manager", HistoryManager)
        super().__init__(*args, **kwargs)
