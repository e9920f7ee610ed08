"""Import/export columns of the supervision record kinds (shared/spec/data-formats.md).

Exports of need-to-know kinds (complaints, enforcement statistics) are
written to the access log by the resource itself, so every export path
(admin, ``export_records``, ``records_export``) is logged: the admin passes
its user and request; a caller that passes none is logged without a user.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.importing import Column, RecordResource, register, unit_code
from core.importing.parents import Parent
from core.importing.widgets import Boolean, Choice, Count, Date, Month, Reference, Text
from org.models import Unit
from personnel.models import Officer
from personnel.resources import staff_no

from .models import (
    AccessLog,
    Case,
    CaseOfficer,
    Complaint,
    EnforcementStat,
    Inspection,
    IntegrityAppraisal,
    RiskPoint,
    Survey,
)
from .services import access_log_record


class AccessLoggedResource(RecordResource):
    """Logs every export of its kind with the records exported."""

    def logged(self, queryset):
        """The model and ids the access log names for an export."""
        return self._meta.model, queryset.values_list("pk", flat=True)

    def exporting(self, queryset):
        model, ids = self.logged(queryset)
        access_log_record(
            user=self.acting_user,
            action=AccessLog.Action.EXPORT,
            model=model,
            object_ids=ids,
            request=self.request,
            path="export_records",
        )


@register
class ComplaintResource(AccessLoggedResource):
    record_kind = "complaints"
    self_naming_column = "staff_no"
    staff_no = staff_no()
    received_date = Column(Date(), "收到日期", "受理日期")
    substantiated = Column(Boolean(), "是否属实", required=False)

    class Meta:
        model = Complaint
        import_id_fields = ("staff_no", "received_date")


@register
class EnforcementStatResource(AccessLoggedResource):
    record_kind = "enforcement_stats"
    self_naming_column = "staff_no"
    staff_no = staff_no()
    month = Column(Month(), "月份")
    declarations = Column(Count(), "报关单数", "申报单数")
    overrides = Column(Count(), "人工干预数")

    class Meta:
        model = EnforcementStat
        import_id_fields = ("staff_no", "month")


@register
class IntegrityAppraisalResource(RecordResource):
    record_kind = "integrity_appraisals"
    year = Column(Count(), "年度")
    unit_code = unit_code()
    # Empty: the unit's leadership team as a whole.
    staff_no = staff_no(required=False)
    result = Column(Choice(IntegrityAppraisal.Result, aliases={"合格": "pass", "不合格": "fail"}), "结果")

    class Meta:
        model = IntegrityAppraisal
        import_id_fields = ("year", "unit_code", "staff_no")


@register
class InspectionResource(RecordResource):
    record_kind = "inspections"
    unit_code = unit_code()
    date = Column(Date(), "检查日期", "日期")
    passed = Column(Boolean(), "是否合格", "合格")
    note = Column(Text(), "备注")

    class Meta:
        model = Inspection
        import_id_fields = ("unit_code", "date")


@register
class SurveyResource(RecordResource):
    record_kind = "surveys"
    unit_code = unit_code()
    year = Column(Count(), "年度")
    respondents = Column(Count(), "调查人数", "受访人数")
    # 0 <= satisfied <= respondents: Survey.clean.
    satisfied = Column(Count(), "满意人数")

    class Meta:
        model = Survey
        import_id_fields = ("unit_code", "year")


@register
class RiskPointResource(RecordResource):
    """The risk-point register (廉政风险点登记表): one row per point. The level
    takes the codes and Chinese words of the postings file's 岗位风险."""

    record_kind = "risk_points"
    unit_code = unit_code()
    post = Column(Text(), "岗位", "岗位名称")
    name = Column(Text(), "风险点", "风险点名称")
    manifestation = Column(Text(), "表现形式", required=False)
    level = Column(Choice(RiskPoint.Level, aliases={"高": "high", "中": "medium", "低": "low"}), "风险等级", "等级")
    measures = Column(Text(), "防控措施", required=False)
    responsible_leader = Column(
        Reference(Officer, "staff_no"),
        "责任领导工号",
        "责任领导",
        attribute="responsible_leader",
        required=False,
        label=gettext_lazy("responsible leader's staff number"),
    )
    last_reviewed = Column(Date(), "最近复核日期", "复核日期", required=False)

    class Meta:
        model = RiskPoint
        import_id_fields = ("unit_code", "post", "name")


@register
class CaseResource(AccessLoggedResource):
    """One row per officer named in a case (``CaseOfficer``), with that
    officer's own category, status and sanction. The case's own columns
    (number, opening date, the unit that opened it, a summary) repeat on
    each of its rows and must agree; the engine checks and writes the cases
    before the rows (core.importing.parents), matching case numbers among
    the cases the user can see only."""

    record_kind = "cases"
    self_naming_column = "staff_no"
    parent = Parent(key="case_no", fields=("opened_date", "unit_code", "summary"))

    case_no = Column(Reference(Case, "case_no"), "案件编号", attribute="case")
    staff_no = staff_no()
    opened_date = Column(Date(), "立案日期", attribute="case__opened_date")
    category = Column(
        Choice(CaseOfficer.Category, aliases={"违纪": "discipline", "违法": "violation", "犯罪": "crime"}),
        "案件类别",
        "类别",
    )
    status = Column(
        Choice(
            CaseOfficer.Status,
            aliases={"立案": "open", "调查中": "investigating", "审结": "concluded", "结案": "closed"},
        ),
        "案件状态",
        "状态",
    )
    sanction = Column(Text(), "处分", required=False)
    # After the specification's columns, so that scripts reading them by
    # position read them where they were.
    unit_code = Column(Reference(Unit, "code"), "立案单位编码", "立案单位代码", attribute="case__unit")
    summary = Column(Text(), "简要案情", "案情摘要", attribute="case__summary")

    class Meta:
        model = CaseOfficer
        import_id_fields = ("case_no", "staff_no")

    def export_queryset(self, queryset):
        # The admin's case list exports cases: their rows are their links.
        if queryset.model is Case:
            queryset = CaseOfficer.objects.filter(case__in=queryset.values("pk"))
        return super().export_queryset(queryset)

    def logged(self, queryset):
        return Case, queryset.order_by().values_list("case_id", flat=True).distinct()
