"""Import/export columns of the supervision record kinds (shared/spec/data-formats.md).

Exports of need-to-know kinds (complaints, enforcement statistics) are
written to the access log by the resource itself, so every export path
(admin, ``export_records``, ``records_export``) is logged: the admin passes
its user and request; a caller that passes none is logged without a user.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.importing import Column, RecordResource, register, unit_code
from core.importing.widgets import Boolean, Choice, Count, Date, Month, Reference, Text, is_empty
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


CASE_COLUMNS = ("opened_date", "category", "status")
_CHUNK = 500


@register
class CaseResource(AccessLoggedResource):
    """One row per officer involved in a case; the case's own columns repeat
    on each of its rows. The rows are the ``CaseOfficer`` links; the cases
    themselves are checked and written first, by ``prepare_parents``."""

    record_kind = "cases"
    self_naming_column = "staff_no"
    case_no = Column(Reference(Case, "case_no", scoped=False), "案件编号", attribute="case")
    staff_no = staff_no()
    opened_date = Column(Date(), "立案日期", attribute="case__opened_date", parent=True, required=True)
    category = Column(
        Choice(Case.Category, aliases={"违纪": "discipline", "违法": "violation", "犯罪": "crime"}),
        "案件类别",
        "类别",
        attribute="case__category",
        parent=True,
        required=True,
    )
    status = Column(
        Choice(Case.Status, aliases={"立案": "open", "调查中": "investigating", "审结": "concluded", "结案": "closed"}),
        "案件状态",
        "状态",
        attribute="case__status",
        parent=True,
        required=True,
    )
    sanction = Column(Text(), "处分", required=False)

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

    # ------------------------------------------------------------ import
    def prepare_parents(self, context, table):
        """Match each case number of the file against the cases the user can
        see, and only those (docs/security.md, "No existence oracle"): one
        visible case is that case; none is a new case, whatever cases the
        user cannot see hold the same number; several visible ones are
        ambiguous. The rows' case numbers then resolve to these cases only."""
        groups = self._read_cases(context, table)
        visible = self._visible(context.user, list(groups))
        editable = self._editable(context, [case.pk for cases in visible.values() for case in cases])
        to_create, to_update, resolved = [], [], {}
        for case_no, rows in groups.items():
            if not self._agree(context, case_no, rows) or not self._single(context, case_no, rows, visible):
                context.reported.add(("case_no", case_no))
                continue
            case = visible[case_no][0] if visible.get(case_no) else None
            if case is not None and case.pk not in editable:
                # Visible (shared with the user), so saying so discloses nothing.
                for row, _values in rows:
                    context.problem(
                        row, context.label("case_no"), _("This case is outside your grants; it cannot be changed here.")
                    )
                context.reported.add(("case_no", case_no))
                continue
            values = rows[0][1]
            resolved[case_no] = case
            if case is None:
                case = resolved[case_no] = Case(case_no=case_no, **values)
            elif all(getattr(case, name) == value for name, value in values.items()):
                continue
            else:
                for name, value in values.items():
                    setattr(case, name, value)
            try:
                case.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                column_of = {"case_no": "case_no", **{name: name for name in CASE_COLUMNS}}
                for field_name, messages in error.message_dict.items():
                    for message in messages:
                        context.problem(rows[0][0], context.label(column_of.get(field_name, "case_no")), message)
                context.reported.add(("case_no", case_no))
                del resolved[case_no]
                continue
            (to_create if case.pk is None else to_update).append(case)
        if to_create:
            bulk_create_with_history(to_create, Case, batch_size=2000, default_user=context.user)
        if to_update:
            bulk_update_with_history(to_update, Case, list(CASE_COLUMNS), batch_size=2000, default_user=context.user)
        context.parents_created += len(to_create)
        context.parents_updated += len(to_update)
        context.use_references(Case, "case_no", {no: case.pk for no, case in resolved.items()})

    @staticmethod
    def _visible(user, case_nos) -> dict:
        """case number -> the cases the user can see that carry it."""
        queryset = Case.objects.all() if user is None else Case.objects.visible_to(user)
        found = defaultdict(list)
        for start in range(0, len(case_nos), _CHUNK):
            for case in queryset.filter(case_no__in=case_nos[start : start + _CHUNK]).order_by("pk"):
                found[case.case_no].append(case)
        return found

    @staticmethod
    def _editable(context, pks) -> set:
        if context.everything:
            return set(pks)
        editable = set()
        queryset = Case.objects.editable_by(context.user)
        for start in range(0, len(pks), _CHUNK):
            editable.update(queryset.filter(pk__in=pks[start : start + _CHUNK]).values_list("pk", flat=True))
        return editable

    @staticmethod
    def _single(context, case_no, rows, visible) -> bool:
        """Whether the number names at most one case the user can see. Two
        can share a number when one was entered by someone who could not
        see the other; both are visible here, so naming them discloses
        nothing."""
        cases = visible.get(case_no, [])
        if len(cases) < 2:
            return True
        dates = ", ".join(f"{case.opened_date:%Y-%m-%d}" for case in cases)
        for row, _values in rows:
            context.problem(
                row,
                context.label("case_no"),
                _(
                    "Case number “%(case)s” is used by %(count)s cases you can see (opened %(dates)s); "
                    "give one of them another number before importing rows for it."
                )
                % {"case": case_no, "count": len(cases), "dates": dates},
            )
        return False

    def _read_cases(self, context, table):
        """case number -> [(row, {field: value})], from the case's own columns.
        A cell refused here is reported here; rows without a readable case
        number are left to the row checks, which report them."""
        positions = context.positions

        def cell(raw, name):
            index = positions[name]
            return raw[index] if index < len(raw) else None

        # Rows naming the user are refused by the importer, whatever exists;
        # they give their case nothing.
        own = context.own_codes("staff_no") if "staff_no" in positions else set()
        groups = defaultdict(list)
        for offset, raw in enumerate(table.rows):
            row = offset + 2
            if all(is_empty(value) for value in raw):
                continue
            if own and self._names(cell(raw, "staff_no"), own):
                continue
            try:
                case_no = self.column("case_no").widget.clean(cell(raw, "case_no"))
            except ValueError:
                continue
            if case_no is None:
                continue
            values = {}
            for name in CASE_COLUMNS:
                try:
                    value = self.column(name).widget.clean(cell(raw, name))
                except ValueError as error:
                    context.problem(row, context.label(name), error)
                    continue
                if value is None:
                    context.problem(row, context.label(name), _("A value is required."))
                    continue
                values[name] = value
            groups[case_no].append((row, values))
        return groups

    def _names(self, value, own) -> bool:
        try:
            return self.column("staff_no").widget.clean(value) in own
        except ValueError:
            return False

    def _agree(self, context, case_no, rows) -> bool:
        """Whether every row of a case gives the case the same values (and
        every one of them could be read)."""
        agree = all(len(values) == len(CASE_COLUMNS) for _row, values in rows)
        for name in CASE_COLUMNS:
            given = {values[name] for _row, values in rows if name in values}
            if len(given) > 1:
                agree = False
                numbers = ", ".join(str(row) for row, values in rows if name in values)
                for row, values in rows:
                    if name in values:
                        context.problem(
                            row,
                            context.label(name),
                            _("Rows %(rows)s of case “%(case)s” give it different values here; a case has one.")
                            % {"rows": numbers, "case": case_no},
                        )
        return agree
