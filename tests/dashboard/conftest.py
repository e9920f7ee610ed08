import pytest

from core import indicators as engine
from org.models import Unit
from org.services import unit_scope_rebuild
from tests.factories import UnitFactory


@pytest.fixture
def college(tree):
    """The customs college, directly under hq: the other kind of unit with a
    leadership team that the age indicator looks at."""
    unit = UnitFactory(code="9900", name="海关学院", kind=Unit.Kind.COLLEGE, parent=tree["0000"])
    unit_scope_rebuild()
    return unit


@pytest.fixture
def counted(tree):
    """``counted(key, year, code=None)`` -> (numerator, denominator) from
    engine.compute for the unit with that code (None: the whole service)."""

    def _counted(key, year, code=None):
        unit = Unit.objects.get(code=code) if code else None
        figures = {f.key: f for f in engine.compute(year=year, unit=unit)}
        return figures[key].numerator, figures[key].denominator

    return _counted
