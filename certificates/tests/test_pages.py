"""The certificates' staff pages and the holder's section, as their users use them."""

import io

import pytest
from django.urls import reverse

from applications.models import Status
from audit.models import AuditEvent
from certificates.models import Certificate, Handout, PrintCalibration
from conftest import client_for

pytestmark = pytest.mark.django_db


def _desk(campaign) -> str:
    return reverse("certificates:home") + f"?campaign={campaign.slug}"


def test_the_association_issues_a_city_from_its_desk(concluded, people):
    client = client_for(people["association"])
    page = client.get(_desk(concluded.campaign))
    html = page.content.decode()
    assert page.status_code == 200 and "制发证书" in html and "已确定" in html
    answer = client.post(
        reverse("certificates:issue"),
        {"campaign": concluded.campaign.slug, "city": "hohhot", "issued_on": "2999-01-01"},
        follow=True,
    )
    assert "发证日期不能晚于今天" in answer.content.decode() and not Certificate.objects.exists()
    answer = client.post(
        reverse("certificates:issue"),
        {"campaign": concluded.campaign.slug, "city": "hohhot", "issued_on": _today()},
        follow=True,
    )
    count = Certificate.objects.count()
    assert count and f"已为呼和浩特市制发 {count} 本证书" in answer.content.decode()


def test_a_city_s_staff_read_their_register_only(issued, people):
    mine = client_for(people["hohhot_co"]).get(reverse("certificates:register") + f"?campaign={issued.campaign.slug}")
    first = Certificate.objects.order_by("number").first()
    assert first.number in mine.content.decode() and first.id_number not in mine.content.decode()
    theirs = client_for(people["baotou_co"]).get(reverse("certificates:register") + f"?campaign={issued.campaign.slug}")
    assert first.number not in theirs.content.decode()
    assert client_for(people["baotou_co"]).get(reverse("certificates:detail", args=[first.number])).status_code == 404


def test_a_hand_out_form_shows_each_mistake_beside_its_field_and_keeps_nothing(issued, people):
    certificate = Certificate.objects.order_by("number").first()
    client = client_for(people["hohhot_co"])
    url = reverse("certificates:hand_out", args=[certificate.number])
    answer = client.post(url, {"way": "unit", "collector": "", "unit": "", "collected_on": "2026-01-01"})
    html = answer.content.decode()
    assert answer.status_code == 400 and "请填写代领单位" in html and "请填写领取人姓名" in html
    assert not Handout.objects.exists()
    answer = client.post(url, {"way": "unit", "collector": "李四", "unit": "某某医院", "collected_on": _today()})
    assert answer.status_code == 302 and Handout.objects.get().unit == "某某医院"
    desk = client.get(answer["Location"]).content.decode()
    assert "某某医院" in desk and "已领 1 本" in desk


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def test_revoking_needs_a_reason_shown_in_place(issued, people):
    certificate = Certificate.objects.order_by("number").first()
    client = client_for(people["association"])
    answer = client.post(reverse("certificates:revoke", args=[certificate.number]), {"revoke-reason": ""})
    assert answer.status_code == 400 and "请填写原因" in answer.content.decode()
    answer = client.post(
        reverse("certificates:revoke", args=[certificate.number]), {"revoke-reason": "提供虚假材料"}, follow=True
    )
    assert "已撤销" in answer.content.decode()
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.application.status == Status.DISQUALIFIED


def test_the_arrival_notice_is_sent_from_the_desk_once(issued, people):
    client = client_for(people["hohhot_co"])
    data = {"campaign": issued.campaign.slug, "city": "hohhot"}
    answer = client.post(reverse("certificates:tell_arrival"), data, follow=True)
    assert f"已通知 {issued.count} 位持证人" in answer.content.decode()
    answer = client.post(reverse("certificates:tell_arrival"), data, follow=True)
    assert "已通知 0 位持证人" in answer.content.decode()


def test_exports_are_the_association_s_and_audited(issued, people):
    url = reverse("certificates:batch_export", args=[issued.pk, "csv"])
    assert client_for(people["hohhot_co"]).get(url).status_code == 403
    answer = client_for(people["association"]).get(url)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    assert Certificate.objects.first().id_number in answer.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="certificates.exported", actor=people["association"]).count() == 1


def test_the_calibration_is_kept_within_bounds(people):
    client = client_for(people["association"])
    answer = client.post(reverse("certificates:calibration"), {"offset_x_mm": "25", "offset_y_mm": "0"})
    assert answer.status_code == 400 and "−20 到 20 毫米" in answer.content.decode()
    assert not PrintCalibration.objects.exists()
    client.post(reverse("certificates:calibration"), {"offset_x_mm": "1.5", "offset_y_mm": "-2"})
    saved = PrintCalibration.objects.get()
    assert (float(saved.offset_x_mm), float(saved.offset_y_mm)) == (1.5, -2.0)


def test_the_holder_sees_the_certificate_on_their_application(issued):
    certificate = Certificate.objects.select_related("application__applicant").order_by("number").first()
    client = client_for(certificate.application.applicant)
    html = client.get(reverse("applications:detail", args=[certificate.application_id])).content.decode()
    assert certificate.number in html and "下载电子证书" in html and "下载可验证凭证" in html


def test_a_batch_prints_in_parts_and_each_print_is_audited(issued, people, monkeypatch):
    from pypdf import PdfReader

    from certificates import selectors

    monkeypatch.setattr(selectors, "PRINT_PART", 10)
    client = client_for(people["association"])
    url = reverse("certificates:batch_pdf", args=[issued.pk])
    pages = []
    for part in (1, 2, 3):
        answer = client.get(url, {"part": part})
        assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
        pages.append(len(PdfReader(io.BytesIO(answer.content)).pages))
    assert pages == [10, 10, issued.count - 20]
    assert client.get(url, {"part": 4}).status_code == 404
    preprinted = client.get(url, {"part": 1, "stock": "preprinted"})
    assert len(PdfReader(io.BytesIO(preprinted.content)).pages) == 10
    assert AuditEvent.objects.filter(action="certificates.batch_printed").count() == 4
    desk = client.get(_desk(issued.campaign)).content.decode()
    assert "第3册" in desk


def test_a_unit_collects_the_chosen_certificates_of_its_staff_at_once(issued, people):
    from certificates import selectors

    client = client_for(people["hohhot_co"])
    groups = selectors.by_unit(Certificate.objects.filter(batch=issued).select_related("city"))
    group = max(groups, key=len)
    chosen = [c.number for c in group.certificates][:2]
    base = {"campaign": issued.campaign.slug, "city": "hohhot", "group": group.key}
    prefix = f"unit-{group.key}"
    answer = client.post(
        reverse("certificates:unit_handout"),
        {**base, f"{prefix}-numbers": chosen, f"{prefix}-unit": "某某局", f"{prefix}-collected_on": _today()},
    )
    assert answer.status_code == 400 and "请填写领取人姓名" in answer.content.decode()
    assert not Handout.objects.exists()
    answer = client.post(
        reverse("certificates:unit_handout"),
        {
            **base,
            f"{prefix}-numbers": chosen,
            f"{prefix}-unit": "某某局",
            f"{prefix}-collector": "李四",
            f"{prefix}-collected_on": _today(),
        },
        follow=True,
    )
    assert f"已登记 某某局 代领 {len(chosen)} 本证书" in answer.content.decode()
    assert sorted(Handout.objects.values_list("certificate__number", flat=True)) == sorted(chosen)
    assert set(Handout.objects.values_list("way", "unit", "collector")) == {("unit", "某某局", "李四")}
    other_city = client_for(people["baotou_co"]).post(reverse("certificates:unit_handout"), base)
    assert other_city.status_code == 404  # 包头's desk has no such unit


def test_the_issue_desk_reads_every_city_and_batch_in_a_constant_number_of_queries(issued, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certificates.models import IssueBatch

    client = client_for(people["association"])
    with CaptureQueriesContext(connection) as one:
        assert client.get(_desk(issued.campaign)).status_code == 200
    IssueBatch.objects.create(
        campaign=issued.campaign, city=issued.city, issued_on=issued.issued_on, issued_by=people["association"]
    )
    with CaptureQueriesContext(connection) as two:
        assert client.get(_desk(issued.campaign)).status_code == 200
    assert len(two) == len(one)  # a batch more: no query more (13 cities: no query per city either)
