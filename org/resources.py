"""The ``units`` import kind (shared/spec/data-formats.md)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.importing import Column, RecordResource, register
from core.importing.engine import Problem
from core.importing.widgets import Choice, Reference, Text

from .models import Unit
from .services import unit_scope_rebuild


@register
class UnitResource(RecordResource):
    record_kind = "units"
    # A parent may be defined further down the file; one hq across the file.
    whole_file = True
    code = Column(Text(), "编码")
    name = Column(Text(), "名称")
    kind = Column(Choice(Unit.Kind), "类型")
    # Parents and supervisory offices may be defined further down the file.
    parent_code = Column(
        Reference(Unit, "code", in_file=True), "上级编码", attribute="parent", label=gettext_lazy("parent unit code")
    )
    supervisory_office = Column(
        Reference(Unit, "code", in_file=True), "督察机构", label=gettext_lazy("supervisory office code")
    )

    class Meta:
        model = Unit
        import_id_fields = ("code",)

    def check_rows(self, context, entries):
        # The database allows one hq (a partial unique constraint); say so
        # per row instead of failing on the constraint.
        in_file = {e.instance.code: e for e in context.entries if e.instance is not None}
        kept = [u.code for u in Unit.objects.filter(kind=Unit.Kind.HQ) if u.code not in in_file]
        heads = [e for e in in_file.values() if e.instance.kind == Unit.Kind.HQ]
        if len(kept) + len(heads) <= 1:
            return []
        codes = ", ".join(sorted(kept + [e.instance.code for e in heads]))
        message = _("There can be only one General Administration (hq); this file would make %(codes)s.") % {
            "codes": codes
        }
        return [Problem(e.row, context.label("kind"), message) for e in heads if e.changed]

    def after_write(self, context):
        # The scope closure table is derived from the tree: keep it in step
        # inside the import's transaction.
        unit_scope_rebuild()
