"""Import/export columns of the supervision record kinds (shared/spec/data-formats.md).

Exports of need-to-know kinds (complaints, enforcement statistics) are
written to the access log by the resource itself, so every export path
(admin, ``export_records``, ``records_export``) is logged: the admin passes
its user and request; a caller that passes none is logged without a user.
"""
from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from personnel.importing import Column, RecordResource, register
from personnel.importing.widgets import Boolean, Choice, Count, Date, Reference, Text, is_empty
from personnel.models import Officer, Unit

from .models import AccessLog, Complaint, EnforcementStat, Inspection, IntegrityAppraisal, Survey
from .services import access_log_record

_MONTH = re.compile(r"(\d{4})-(\d{2})")


class Month(Date):
    """A month written YYYY-MM (or a workbook date on the 1st), stored as its
    first day."""

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, (dt.date, dt.datetime)):
            day = value.date() if isinstance(value, dt.datetime) else value
            if day.day != 1:
                raise ValueError(_("“%(value)s” is not a month; write it as YYYY-MM.") % {"value": value})
            return day
        text = str(value).strip()
        match = _MONTH.fullmatch(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(_("“%(value)s” is not a month written as YYYY-MM.") % {"value": text})
        return dt.date(int(match.group(1)), int(match.group(2)), 1)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:%Y-%m}"


def staff_no(**kwargs):
    return Column(Reference(Officer, "staff_no"), "工号", attribute="officer", **kwargs)


def unit_code():
    return Column(Reference(Unit, "code"), "单位编码", attribute="unit")


class AccessLoggedResource(RecordResource):
    """Logs every export of its kind with the records exported."""

    def __init__(self, acting_user=None, request=None, **kwargs):
        super().__init__(**kwargs)
        self.acting_user = acting_user
        self.request = request

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = self.get_queryset()
        data = super().export(queryset=queryset, **kwargs)
        access_log_record(
            user=self.acting_user, action=AccessLog.Action.EXPORT, model=self._meta.model,
            object_ids=queryset.values_list("pk", flat=True), request=self.request, path="export_records",
        )
        return data


@register
class ComplaintResource(AccessLoggedResource):
    record_kind = "complaints"
    staff_no = staff_no()
    received_date = Column(Date(), "收到日期", "受理日期")
    substantiated = Column(Boolean(), "是否属实", required=False)

    class Meta:
        model = Complaint
        import_id_fields = ("staff_no", "received_date")


@register
class EnforcementStatResource(AccessLoggedResource):
    record_kind = "enforcement_stats"
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
