"""Records built once and shared by many tests, without leaking between them.

A shared build runs inside a transaction that stays open while its tests run
(pytest-django's ``db`` fixture then wraps each test in a savepoint on top
of it, so whatever a test writes is rolled back when it ends) and is rolled
back itself when the last of its tests is done. Tests get fresh instances of
the shared records (``refetch``), never the objects of the build, so nothing
a test changes in memory reaches the next one either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

T = TypeVar("T")


class KeptTransaction:
    """An outer transaction held open across tests: ``open(build)`` runs the
    build inside it, ``close()`` rolls everything back."""

    def __init__(self, django_db_blocker):
        self.blocker = django_db_blocker
        self.atomic = None

    @property
    def is_open(self) -> bool:
        return self.atomic is not None

    def open(self, build: Callable[[], T]) -> T:
        assert not self.is_open, "already open"
        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            try:
                return build()
            except BaseException:
                self._rollback()
                raise

    def close(self) -> None:
        if self.is_open:
            with self.blocker.unblock():
                self._rollback()

    def _rollback(self) -> None:
        atomic, self.atomic = self.atomic, None
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def refetch(records: dict) -> dict:
    """The same nested dict of model instances, loaded again from the
    database (one query per model)."""
    wanted: dict[type, set] = {}

    def collect(value):
        if isinstance(value, dict):
            for v in value.values():
                collect(v)
        else:
            wanted.setdefault(type(value), set()).add(value.pk)

    collect(records)
    fresh = {model: model._default_manager.in_bulk(pks) for model, pks in wanted.items()}

    def rebuild(value):
        if isinstance(value, dict):
            return {k: rebuild(v) for k, v in value.items()}
        return fresh[type(value)][value.pk]

    return rebuild(records)
