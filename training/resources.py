"""Import/export columns of training and political work (shared/spec/data-formats.md)."""

from core.importing import Column, RecordResource, register, unit_code
from core.importing.widgets import Amount, Choice, Count, Date, Text
from personnel.resources import staff_no

from .models import PoliticalWork, TrainingRecord


@register
class TrainingRecordResource(RecordResource):
    record_kind = "training"
    staff_no = staff_no()
    course = Column(Text(), "课程")
    start_date = Column(Date(), "开始日期")
    end_date = Column(Date(), "结束日期")
    # days > 0 and within the span from start to end: TrainingRecord.clean.
    days = Column(Amount(), "天数")
    mode = Column(
        Choice(TrainingRecord.Mode, aliases={"脱产": "full_time", "在职": "in_service", "网络": "online"}),
        "方式",
    )

    class Meta:
        model = TrainingRecord
        import_id_fields = ("staff_no", "course", "start_date")


@register
class PoliticalWorkResource(RecordResource):
    record_kind = "political_work"
    unit_code = unit_code()
    date = Column(Date(), "日期")
    title = Column(Text(), "标题", "主题")
    participants = Column(Count(), "参加人数")

    class Meta:
        model = PoliticalWork
        import_id_fields = ("unit_code", "date", "title")
