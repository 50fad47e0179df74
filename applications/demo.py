"""Demo applications for `make run`: the demo applicants in several states."""

import io
from datetime import date

from django.utils import timezone
from PIL import Image, ImageDraw

from applications import services
from applications.models import Application, Status
from applications.requirements import required_slots
from catalog.models import City, Level, Occupation
from skillcert.refusals import TransitionRefused

PERSON = {
    "ethnicity": "蒙古族",
    "education": "technical_school",
    "education_related": True,
    "work_started_on": date(2008, 7, 1),
    "occupation_years": 15,
    "employer": "呼和浩特市公路养护中心",
    "work_history": "2008.07—至今 呼和浩特市公路养护中心 汽车维修岗位",
    "achievements": "2021 年获全市交通系统汽车维修技能竞赛三等奖。",
    "specialties": "熟悉柴油发动机故障诊断。",
}


def _image(width: int, height: int, *, photo: bool) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    if photo:
        draw.ellipse((width * 0.3, height * 0.15, width * 0.7, height * 0.5), fill=(90, 70, 60))
        draw.rectangle((width * 0.2, height * 0.55, width * 0.8, height), fill=(40, 50, 80))
    else:
        draw.rectangle((20, 20, width - 20, height - 20), outline=(30, 30, 30), width=4)
        draw.line((40, height // 2, width - 40, height // 2), fill=(30, 30, 30), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _fill(applicant, campaign, *, occupation: str, level: int, category: str = "initial") -> Application:
    application = services.start_application(applicant, campaign)
    values = {
        **PERSON,
        "city": City.objects.get(code="hohhot"),
        "occupation": Occupation.objects.get(code=occupation),
        "level": Level.objects.get(number=level),
        "category": category,
    }
    return services.save_step(applicant, application, values, expected_version=application.version)


def _documents(applicant, application: Application) -> None:
    for slot in required_slots(application.category, application.level_id):
        content = _image(390, 567, photo=True) if slot == "photo" else _image(800, 500, photo=False)
        services.upload_document(applicant, application, slot, content, f"{slot}.png")


def ensure_demo_applications(campaign, applicants: list) -> list[str]:
    """A draft, a submitted and a withdrawn application (idempotent); says what it did."""
    if not campaign.registration_is_open(timezone.localdate()):
        return ["演示批次不在报名期，未创建演示申报（运行 make demo-refresh 后重试）。"]
    plans = [("draft", "4-12-01-01", 4), ("submitted", "6-31-01-03", 4), ("withdrawn", "5-02-03-01", 5)]
    lines = []
    for applicant, (state, occupation, level) in zip(applicants, plans, strict=False):
        if Application.objects.filter(campaign=campaign, applicant=applicant).exists():
            continue
        try:
            application = _fill(applicant, campaign, occupation=occupation, level=level)
            if state in ("submitted", "withdrawn"):
                _documents(applicant, application)
                application = services.submit_application(applicant, application)
            if state == "withdrawn":
                application = services.withdraw_application(applicant, application)
        except TransitionRefused as refusal:
            lines.append(f"{applicant.full_name}：{refusal}")
            continue
        lines.append(f"{applicant.full_name}：{Status(application.status).label}")
    return lines
