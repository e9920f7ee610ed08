"""The audit record kinds of the import/export files.

``audits`` and ``internal_controls`` are those of
shared/spec/data-formats.md; ``audit_findings`` is this project's own kind
(docs/audit.md), one row per finding of an audit already recorded.
"""

from core.importing import Column, RecordResource, register, unit_code
from core.importing.widgets import Choice, Count, Date, Reference, Text
from personnel.resources import staff_no

from .models import Audit, Finding, InternalControl

AUDIT_KIND_WORDS = {
    "经济责任": Audit.Kind.ECONOMIC_RESPONSIBILITY,
    "经济责任审计": Audit.Kind.ECONOMIC_RESPONSIBILITY,
    "管理": Audit.Kind.MANAGEMENT,
    "管理审计": Audit.Kind.MANAGEMENT,
    "专项": Audit.Kind.SPECIAL,
    "专项审计": Audit.Kind.SPECIAL,
}
FINDING_STATUS_WORDS = {
    "未整改": Finding.Status.OPEN,
    "整改中": Finding.Status.RECTIFYING,
    "已整改": Finding.Status.RECTIFIED,
}


@register
class AuditResource(RecordResource):
    record_kind = "audits"
    audit_no = Column(Text(), "审计编号")
    kind = Column(Choice(Audit.Kind, AUDIT_KIND_WORDS), "审计类型", "类型")
    unit_code = unit_code()
    # Also headed 被审计领导干部, the field's own label (core.importing.headers).
    staff_no = staff_no()
    period_start = Column(Date(), "审计期间起")
    period_end = Column(Date(), "审计期间止")
    completed_date = Column(Date(), "完成日期")
    findings = Column(Count(), "发现问题数", attribute="finding_count")

    class Meta:
        model = Audit
        import_id_fields = ("audit_no",)


@register
class FindingResource(RecordResource):
    record_kind = "audit_findings"
    audit_no = Column(Reference(Audit, "audit_no"), "审计编号", attribute="audit")
    description = Column(Text(), "问题描述", "问题")
    deadline = Column(Date(), "整改期限")
    status = Column(Choice(Finding.Status, FINDING_STATUS_WORDS), "整改状态", required=False)

    class Meta:
        model = Finding
        import_id_fields = ("audit_no", "description")


@register
class InternalControlResource(RecordResource):
    record_kind = "internal_controls"
    unit_code = unit_code()
    established_date = Column(Date(), "建立日期")

    class Meta:
        model = InternalControl
        import_id_fields = ("unit_code",)
