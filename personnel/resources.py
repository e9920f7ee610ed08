"""Import/export columns of the personnel record kinds (shared/spec/data-formats.md)."""

from core.importing import Column, RecordResource, register, unit_code
from core.importing.widgets import Amount, Boolean, Choice, Count, Date, Reference, Text
from personnel.models import LeaderAppraisal, Officer, Posting, ReserveCadre


def staff_no(**kwargs) -> Column:
    """The ``staff_no`` column every kind about an officer shares: the
    officer's staff number, within the importing user's grants."""
    return Column(Reference(Officer, "staff_no"), "工号", attribute="officer", **kwargs)


@register
class OfficerResource(RecordResource):
    record_kind = "officers"
    staff_no = Column(Text(), "工号")
    name = Column(Text(), "姓名")
    gender = Column(Choice(Officer.Gender, aliases={"男": "M", "女": "F"}), "性别")
    birth_date = Column(Date(), "出生日期")
    unit_code = unit_code()
    rank_level = Column(Choice(Officer.RankLevel), "职级")
    is_leader = Column(Boolean(), "领导职务")
    position = Column(Text(), "职务")
    hire_date = Column(Date(), "入职日期")
    leave_date = Column(Date(), "离职日期")

    class Meta:
        model = Officer
        import_id_fields = ("staff_no",)


@register
class PostingResource(RecordResource):
    record_kind = "postings"
    staff_no = staff_no()
    unit_code = unit_code()
    position = Column(Text(), "职务", "岗位")
    start_date = Column(Date(), "开始日期", "起始日期")
    end_date = Column(Date(), "结束日期")
    leadership = Column(Boolean(), "领导岗位")
    grassroots = Column(Boolean(), "基层")
    post_risk = Column(Choice(Posting.PostRisk), "岗位风险")

    class Meta:
        model = Posting
        import_id_fields = ("staff_no", "unit_code", "position", "start_date")


@register
class ReserveCadreResource(RecordResource):
    record_kind = "reserve_cadres"
    staff_no = staff_no()
    level = Column(Choice(ReserveCadre.Level), "级别")
    added_date = Column(Date(), "入库日期")
    removed_date = Column(Date(), "出库日期")

    class Meta:
        model = ReserveCadre
        import_id_fields = ("staff_no", "level", "added_date")


@register
class LeaderAppraisalResource(RecordResource):
    record_kind = "leader_appraisals"
    year = Column(Count(), "年度")
    staff_no = staff_no()
    grade = Column(
        Choice(
            LeaderAppraisal.Grade,
            aliases={
                "优秀": "excellent",
                "称职": "competent",
                "基本称职": "basically_competent",
                "不称职": "incompetent",
            },
        ),
        "等次",
    )
    score = Column(Amount(), "得分")
    comment = Column(Text(), "评语")

    class Meta:
        model = LeaderAppraisal
        import_id_fields = ("year", "staff_no")
