"""Exam sites, rooms and staff; the seating of a city and its admission tickets; exam day."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from skillcert.fields import EncryptedTextField, LookupHashesMixin, LookupHashField
from skillcert.lib.identity import normalise_mobile
from skillcert.storage import private_files


class Site(models.Model):
    """考点: a place where a city's candidates sit, set up by its co-organizer."""

    campaign = models.ForeignKey(
        "catalog.Campaign", models.CASCADE, related_name="exam_sites", verbose_name=_("认定批次")
    )
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="exam_sites", verbose_name=_("盟市"))
    name = models.CharField(_("考点名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    office_phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    contact_name = models.CharField(_("考点负责人"), max_length=50, blank=True)
    position = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("考点")
        verbose_name_plural = _("考点")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "city", "name"],
                name="site_name_once_per_city",
                violation_error_message=_("本盟市已有同名考点。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class RoomKind(models.TextChoices):
    WRITTEN = "written", _("笔试")
    COMPUTER = "computer", _("机考")
    PRACTICAL = "practical", _("实操")
    REVIEW = "review", _("综合评审")


# Rooms where candidates get a numbered seat (and a ticket that names it).
SEATED_KINDS = (RoomKind.WRITTEN, RoomKind.COMPUTER)


class Room(models.Model):
    """考场: a grid of seats, rows × columns, some unusable and some accessible ([row, column], 1-based)."""

    site = models.ForeignKey(Site, models.CASCADE, related_name="rooms", verbose_name=_("考点"))
    number = models.CharField(_("考场号"), max_length=10)
    building = models.CharField(_("楼栋"), max_length=50, blank=True)
    floor = models.CharField(_("楼层"), max_length=20, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=RoomKind.choices, default=RoomKind.WRITTEN)
    rows = models.PositiveSmallIntegerField(_("排数"))
    columns = models.PositiveSmallIntegerField(_("每排座位数"))
    unusable = models.JSONField(_("不可用座位"), default=list, blank=True)
    accessible = models.JSONField(_("无障碍座位"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        ordering = ["site", "position", "number"]
        verbose_name = _("考场")
        verbose_name_plural = _("考场")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "number"], name="room_number_once_per_site", violation_error_message=_("考场号重复。")
            ),
            models.CheckConstraint(
                condition=models.Q(rows__gte=1, rows__lte=40, columns__gte=1, columns__lte=40),
                name="room_grid_size",
                violation_error_message=_("排数和每排座位数须在 1 到 40 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} 第{self.number}考场"

    @property
    def place(self) -> str:
        return " ".join(part for part in (self.building, self.floor) if part)

    @property
    def capacity(self) -> int:
        unusable = {tuple(seat) for seat in self.unusable}
        return self.rows * self.columns - len(unusable)


class Duty(models.TextChoices):
    INVIGILATOR = "invigilator", _("监考员")
    EXAMINER = "examiner", _("考评员")


class ExamStaff(LookupHashesMixin, models.Model):
    """考务人员 of a city; `user` is their exam-day account (the invigilator role)."""

    campaign = models.ForeignKey(
        "catalog.Campaign", models.CASCADE, related_name="exam_staff", verbose_name=_("认定批次")
    )
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="exam_staff", verbose_name=_("盟市"))
    site = models.ForeignKey(Site, models.SET_NULL, null=True, blank=True, related_name="staff", verbose_name=_("考点"))
    name = models.CharField(_("姓名"), max_length=50)
    work_unit = models.CharField(_("工作单位"), max_length=100)
    duty = models.CharField(_("职责"), max_length=20, choices=Duty.choices, default=Duty.INVIGILATOR)
    phone = EncryptedTextField(_("手机号码"), blank=True, normaliser=normalise_mobile)
    phone_hash = LookupHashField(source="phone", verbose_name=_("手机号码查询摘要"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="exam_staff",
        verbose_name=_("考务账号"),
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("考务人员")
        verbose_name_plural = _("考务人员")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_duty_display()}）"


class StaffAssignment(models.Model):
    staff = models.ForeignKey(ExamStaff, models.CASCADE, related_name="assignments", verbose_name=_("考务人员"))
    room = models.ForeignKey(Room, models.CASCADE, related_name="staff_assignments", verbose_name=_("考场"))
    session = models.ForeignKey(
        "catalog.ExamSession", models.CASCADE, related_name="staff_assignments", verbose_name=_("场次")
    )

    class Meta:
        ordering = ["session", "room", "staff"]
        verbose_name = _("考务安排")
        verbose_name_plural = _("考务安排")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "session"],
                name="one_room_per_staff_and_session",
                violation_error_message=_("该考务人员本场次已安排在其他考场。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.room} {self.session}"


class SeatingNeed(models.Model):
    """What the co-organizer knows a candidate needs (an accessible seat)."""

    application = models.OneToOneField(
        "applications.Application", models.CASCADE, related_name="seating_need", verbose_name=_("申报")
    )
    accessible = models.BooleanField(_("需要无障碍座位"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("座位需求")
        verbose_name_plural = _("座位需求")

    def __str__(self) -> str:
        return f"{self.application_id} {'无障碍' if self.accessible else ''}"


class SeatAssignment(models.Model):
    """One candidate on one seat in one session. The constraints are the promise: never two
    candidates on a seat, never two seats for a candidate in a session."""

    # No single-column indexes on application and session: the two unique constraints lead with them.
    # No database-level foreign keys (db_constraint=False): PostgreSQL checks one per inserted row,
    # three per seat, which was 3/4 of seating a province (docs/architecture.md, "Seat rows"). The
    # writers take the arrangement lock and lock what they point at; Django still cascades.
    application = models.ForeignKey(
        "applications.Application",
        models.CASCADE,
        related_name="seats",
        verbose_name=_("申报"),
        db_index=False,
        db_constraint=False,
    )
    session = models.ForeignKey(
        "catalog.ExamSession",
        models.CASCADE,
        related_name="seats",
        verbose_name=_("场次"),
        db_index=False,
        db_constraint=False,
    )
    room = models.ForeignKey(Room, models.CASCADE, related_name="seats", verbose_name=_("考场"), db_constraint=False)
    row = models.PositiveSmallIntegerField(_("排"))
    column = models.PositiveSmallIntegerField(_("号"))

    class Meta:
        ordering = ["session", "room", "row", "column"]
        verbose_name = _("座位")
        verbose_name_plural = _("座位")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "room", "row", "column"],  # also the index of a session's seats
                name="one_candidate_per_seat",
                violation_error_message=_("该座位已有考生。"),
            ),
            models.UniqueConstraint(
                fields=["application", "session"],  # also the index of a candidate's seats
                name="one_seat_per_candidate_and_session",
                violation_error_message=_("该考生本场次已有座位。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.row:02d}排{self.column:02d}号"


class Publication(models.TextChoices):
    """Where the background publication of a city stands: none asked, queued, running, done, failed."""

    NONE = "", _("未发布")
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Arrangement(models.Model):
    """The seating of one city in one campaign: a draft until its tickets are published.
    `state` changes only in `exams/states.py`; `version` guards the preview form."""

    class State(models.TextChoices):
        DRAFT = "draft", _("编排中")
        PUBLISHED = "published", _("已发布准考证")

    campaign = models.ForeignKey(
        "catalog.Campaign", models.CASCADE, related_name="arrangements", verbose_name=_("认定批次")
    )
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="arrangements", verbose_name=_("盟市"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    seed = models.PositiveIntegerField(_("随机种子"), default=0)
    spacing = models.CharField(_("间隔"), max_length=20, default="none")
    version = models.PositiveIntegerField(_("版本"), default=0)
    seated_at = models.DateTimeField(_("编排时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("发布人")
    )
    # The background publication (exams.tasks.publish_city) as the page shows it; `exams/states.py` moves it.
    publication = models.CharField(
        _("后台发布"), max_length=10, choices=Publication.choices, default=Publication.NONE, blank=True
    )
    publication_error = models.CharField(_("发布失败原因"), max_length=500, blank=True)
    publication_changed_at = models.DateTimeField(_("后台发布状态时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考场编排")
        verbose_name_plural = _("考场编排")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "city"], name="one_arrangement_per_city"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} {self.city} {self.get_state_display()}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Ticket(models.Model):
    """准考证: its number is stable once given; `revision` counts reissues after a late move."""

    application = models.OneToOneField(
        "applications.Application", models.CASCADE, related_name="ticket", verbose_name=_("申报")
    )
    campaign = models.ForeignKey("catalog.Campaign", models.CASCADE, related_name="tickets", verbose_name=_("认定批次"))
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="tickets", verbose_name=_("盟市"))
    number = models.CharField(_("准考证号"), max_length=15, unique=True)
    revision = models.PositiveSmallIntegerField(_("补发次数"), default=0)
    issued_at = models.DateTimeField(_("签发时间"))
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    # When the holder was told downloads are open (the daily job's marker: nobody is told twice).
    # Set at issue when the publication message itself already says "download now".
    opening_told_at = models.DateTimeField(_("开放下载通知时间"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("准考证")
        verbose_name_plural = _("准考证")

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.voided_at is None


class TicketSerial(models.Model):
    """The last serial given in a (year, city): the number carries the year and the city, not the
    campaign, so every campaign of a year in a city draws from one serial. Locked while numbers are
    given, so they have no gaps and no twins."""

    year = models.PositiveSmallIntegerField(_("年度"))
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="+", verbose_name=_("盟市"))
    last = models.PositiveIntegerField(_("已用流水号"), default=0)

    class Meta:
        verbose_name = _("准考证流水号")
        verbose_name_plural = _("准考证流水号")
        constraints = [models.UniqueConstraint(fields=["year", "city"], name="one_serial_per_year_and_city")]

    def __str__(self) -> str:
        return f"{self.year} {self.city_id} {self.last}"


class Outcome(models.TextChoices):
    PRESENT = "present", _("到考")
    ABSENT = "absent", _("缺考")
    INCIDENT = "incident", _("违纪")


class CheckIn(models.Model):
    """What happened to a candidate in a session: one row, however many scans."""

    application = models.ForeignKey(
        "applications.Application", models.CASCADE, related_name="check_ins", verbose_name=_("申报")
    )
    session = models.ForeignKey("catalog.ExamSession", models.CASCADE, related_name="check_ins", verbose_name=_("场次"))
    room = models.ForeignKey(Room, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("考场"))
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("记录人")
    )
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("考试签到")
        verbose_name_plural = _("考试签到")
        constraints = [
            models.UniqueConstraint(fields=["application", "session"], name="one_check_in_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.session_id} {self.get_outcome_display()}"


class Scan(models.Model):
    """Every scan as a device sent it; re-sending one (same client_id) is harmless."""

    class Result(models.TextChoices):
        ACCEPTED = "accepted", _("已记录")
        DUPLICATE = "duplicate", _("重复")
        REFUSED = "refused", _("拒绝")

    client_id = models.UUIDField(_("客户端编号"), unique=True, default=uuid.uuid4)
    device = models.CharField(_("设备"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("考务账号")
    )
    ticket_number = models.CharField(_("准考证号"), max_length=2000, blank=True)
    application = models.ForeignKey(
        "applications.Application", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("申报")
    )
    session = models.ForeignKey(
        "catalog.ExamSession", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("场次")
    )
    room = models.ForeignKey(Room, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("考场"))
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    scanned_at = models.DateTimeField(_("扫描时间（设备）"))
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    result = models.CharField(_("处理结果"), max_length=10, choices=Result.choices)
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["received_at"]
        verbose_name = _("扫码记录")
        verbose_name_plural = _("扫码记录")

    def __str__(self) -> str:
        return f"{self.client_id} {self.result}"


class HandbookSubmission(models.Model):
    """A submitted 考务手册: the snapshot the co-organizer handed in."""

    site = models.ForeignKey(Site, models.CASCADE, related_name="handbooks", verbose_name=_("考点"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("提交人")
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    pdf = models.FileField(_("PDF"), storage=private_files, upload_to="handbooks/%Y/", max_length=200)
    xlsx = models.FileField(_("Excel"), storage=private_files, upload_to="handbooks/%Y/", max_length=200)
    sha256 = models.CharField(_("SHA-256 摘要"), max_length=64)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("考务手册提交")
        verbose_name_plural = _("考务手册提交")

    def __str__(self) -> str:
        return f"{self.site} {self.submitted_at:%Y-%m-%d %H:%M}"


class HandbookRender(models.Model):
    """One background render of a site's 考务手册 for one fingerprint of its data.

    The pair (site, fingerprint) is unique: a render is queued once however many pages ask.
    `state` changes only in `exams/states.py`; the files are those of the handbook cache."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")

    site = models.ForeignKey(Site, models.CASCADE, related_name="handbook_renders", verbose_name=_("考点"))
    fingerprint = models.CharField(_("数据指纹"), max_length=64)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("错误信息"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    requested_at = models.DateTimeField(_("请求时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考务手册生成")
        verbose_name_plural = _("考务手册生成")
        constraints = [
            models.UniqueConstraint(fields=["site", "fingerprint"], name="one_handbook_render_per_fingerprint"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.fingerprint[:12]} {self.get_state_display()}"
