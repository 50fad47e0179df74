"""Hand-out, revocation, re-issue and the national export, as the staff who do them."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Status
from audit.models import AuditEvent
from certificates import export
from certificates.models import Certificate, Handout
from certificates.services import handout, revocation
from notifications.models import Message
from skillcert.refusals import TransitionRefused

pytestmark = pytest.mark.django_db


def _first() -> Certificate:
    return Certificate.objects.select_related("application").order_by("number").first()


def test_the_holder_collects_with_their_id_checked(issued, people):
    certificate = _first()
    with pytest.raises(TransitionRefused, match="核验身份证件"):
        handout.hand_out(people["hohhot_co"], certificate, way="holder")
    handout.hand_out(people["hohhot_co"], certificate, way="holder", id_checked=True)
    row = Handout.objects.get(certificate=certificate)
    assert row.collector == certificate.name and row.recorded_by == people["hohhot_co"]
    certificate.application.refresh_from_db()
    assert certificate.application.status == Status.DELIVERED
    with pytest.raises(TransitionRefused):
        handout.hand_out(people["hohhot_co"], certificate, way="holder", id_checked=True)
    assert Handout.objects.count() == 1


def test_a_unit_collects_with_its_name_and_the_collector(issued, people):
    certificate = _first()
    with pytest.raises(TransitionRefused, match="代领单位"):
        handout.hand_out(people["hohhot_co"], certificate, way="unit", collector="李四")
    with pytest.raises(TransitionRefused, match="晚于今天"):
        handout.hand_out(
            people["hohhot_co"],
            certificate,
            way="unit",
            unit="呼和浩特市第一医院",
            collector="李四",
            collected_on=timezone.localdate() + timedelta(days=1),
        )
    handout.hand_out(people["hohhot_co"], certificate, way="unit", unit="呼和浩特市第一医院", collector="李四")
    assert Handout.objects.get().unit == "呼和浩特市第一医院"
    assert AuditEvent.objects.filter(action="certificates.handed_out").count() == 1


def test_only_the_city_hands_out(issued, people):
    certificate = _first()
    for who in ("baotou_co", "hohhot_reg", "applicant"):
        with pytest.raises(PermissionDenied):
            handout.hand_out(people[who], certificate, way="holder", id_checked=True)
    assert not Handout.objects.exists()


def test_arrival_is_told_once_to_those_waiting(issued, people):
    told = handout.tell_arrival(people["hohhot_co"], issued.campaign, issued.city)
    assert told == issued.count == Message.objects.filter(kind="certificates.arrived").count()
    assert handout.tell_arrival(people["hohhot_co"], issued.campaign, issued.city) == 0
    with pytest.raises(PermissionDenied):
        handout.tell_arrival(people["baotou_co"], issued.campaign, issued.city)


def test_revocation_is_the_association_s_with_a_reason(issued, people):
    certificate = _first()
    with pytest.raises(PermissionDenied):
        revocation.revoke(people["hohhot_co"], certificate, reason="提供虚假材料")
    with pytest.raises(TransitionRefused, match="原因"):
        revocation.revoke(people["association"], certificate, reason="  ")
    revocation.revoke(people["association"], certificate, reason="提供虚假学历证书")
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_on == timezone.localdate()
    assert certificate.revocation_reason == "提供虚假学历证书"
    assert certificate.application.status == Status.DISQUALIFIED
    assert Message.objects.filter(kind="certificates.revoked", recipient=certificate.application.applicant).exists()
    with pytest.raises(TransitionRefused, match="已撤销"):
        handout.hand_out(people["hohhot_co"], certificate, way="holder", id_checked=True)
    with pytest.raises(TransitionRefused):
        revocation.reissue(people["association"], certificate, reason="遗失")


def test_reissue_gives_a_new_number_and_marks_the_old_one_replaced(issued, people):
    old = _first()
    handout.hand_out(people["hohhot_co"], old, way="holder", id_checked=True)
    new = revocation.reissue(people["association"], old, reason="证书遗失")
    old.refresh_from_db()
    assert old.is_replaced and new.is_valid and new.replaces == old and new.number != old.number
    same_level = Certificate.objects.filter(level=old.level).exclude(pk=new.pk).count()
    assert new.serial == same_level + 1  # the next serial of its level, never a reused one
    new.application.refresh_from_db()
    assert new.application.status == Status.CERTIFIED  # to be handed out again
    assert Message.objects.filter(kind="certificates.reissued").count() == 1
    assert AuditEvent.objects.filter(action="certificates.replaced").count() == 1


def test_the_national_export_has_every_field_and_the_full_id(issued):
    certificates = list(Certificate.objects.select_related("city").order_by("number"))
    content, count = export.as_csv(certificates)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert count == len(certificates) == len(rows) - 1
    assert header[:5] == ["证书编号", "姓名", "性别", "证件类型", "证件号码"]
    assert first["证件号码"] == certificates[0].id_number and first["证件类型"] == "居民身份证"
    assert first["职业技能等级"] == certificates[0].level_name
    assert first["理论知识考试成绩"] == "75" and first["评价机构代码"] == certificates[0].number[:13]
    workbook = load_workbook(io.BytesIO(export.as_xlsx(certificates)[0]), read_only=True)
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    assert list(sheet_rows[0]) == header and sheet_rows[1][4] == certificates[0].id_number


def test_a_formula_in_a_name_is_text_in_the_csv(issued):
    certificate = _first()
    certificate.employer = '=HYPERLINK("http://x")'
    content, _count = export.as_csv([certificate])
    assert "'=HYPERLINK" in content.decode("utf-8-sig")
