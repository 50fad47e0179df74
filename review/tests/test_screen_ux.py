"""The review screen reads right: PDFs shown in place, levels by name, the same occupation
counted as related, and 办理记录 folded so the milestones stand out."""

from datetime import date

import pytest
from django.urls import reverse

from applications import services as applying
from applications.eligibility_service import decide_for, prior_is_related
from applications.models import Application, ApplicationDocument
from applications.tests.fixtures import attach_documents, fill
from applications.tests.uploadfixtures import photo
from catalog.models import Occupation
from conftest import client_for

ELECTRICIAN = "6-31-01-03"  # 电工


def screen(people, application, who="hohhot_co") -> str:
    response = client_for(people[who]).get(reverse("review:screen", args=[application.pk]))
    assert response.status_code == 200
    return response.content.decode()


def summary(body: str) -> str:
    return body[body.index('<dl class="summary">') : body.index("</dl>", body.index('<dl class="summary">'))]


@pytest.fixture
def promotion(people, draft) -> Application:
    """王小明 applies for 电工 三级, holding a 电工 四级 certificate; the "related" box left unticked."""
    electrician = Occupation.objects.get(code=ELECTRICIAN)
    fill(
        draft,
        occupation=ELECTRICIAN,
        level=3,
        category="promotion",
        prior_occupation=electrician,
        prior_certificate_number="S000015010203000123",
        prior_level=4,
        prior_issued_on=date(2015, 5, 1),
        prior_related=False,
        occupation_years=12,
    )
    attach_documents(draft)
    return applying.submit_application(people["applicant"], draft)


# --- Documents ----------------------------------------------------------------------------------


def test_a_pdf_is_shown_in_place_and_opens_in_a_new_tab_if_wanted(people, submitted):
    body = screen(people, submitted)
    url = reverse("applications:document_file", args=[submitted.pk, "pledge"])
    assert f'<iframe src="{url}#view=FitH" title="诚信承诺书（签字）"' in body
    assert f'<a href="{url}" target="_blank" rel="noopener">在新窗口打开</a>' in body
    assert "<object" not in body


def test_only_our_own_pages_may_frame_a_pdf(people, submitted, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.csp.ContentSecurityPolicyMiddleware"]
    settings.SECURE_CSP = {"default-src": ["'self'"], "frame-ancestors": ["'none'"]}
    client = client_for(people["hohhot_co"])
    pdf = client.get(reverse("applications:document_file", args=[submitted.pk, "pledge"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"] == "inline"
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in pdf["Content-Security-Policy"]
    assert "default-src 'self'" in pdf["Content-Security-Policy"]  # the rest of the policy stays
    page = client.get(reverse("review:screen", args=[submitted.pk]))
    assert page["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_an_image_still_may_not_be_framed(people, submitted):
    ApplicationDocument.objects.filter(application=submitted, slot="photo").update(content_type="image/jpeg")
    response = client_for(people["hohhot_co"]).get(reverse("applications:document_file", args=[submitted.pk, "photo"]))
    assert response["X-Frame-Options"] == "DENY"


# --- The form as the applicant filled it --------------------------------------------------------


def test_the_held_certificates_level_reads_by_its_name(people, promotion):
    shown = summary(screen(people, promotion))
    assert "<dt>所持证书等级</dt><dd>四级/中级工</dd>" in shown


def test_a_certificate_of_the_same_occupation_counts_as_related(people, promotion):
    assert prior_is_related(promotion)
    assert "<dt>与申报职业相同或相关</dt><dd>是（证书职业与申报职业相同）</dd>" in summary(screen(people, promotion))


def test_a_certificate_typed_with_the_occupations_name_is_that_occupation(people, promotion):
    Application.objects.filter(pk=promotion.pk).update(prior_occupation=None, prior_occupation_name=" 电工 ")
    promotion.refresh_from_db()
    assert prior_is_related(promotion)
    decision = decide_for(promotion)
    assert "promotion.certificate_unrelated" not in decision.rule
    assert any("本职业的证书" in reason for reason in decision.reasons)
    assert "是（证书职业与申报职业相同）" in summary(screen(people, promotion))


def test_an_unrelated_certificate_is_shown_as_unrelated(people, promotion):
    Application.objects.filter(pk=promotion.pk).update(prior_occupation=None, prior_occupation_name="厨师长")
    promotion.refresh_from_db()
    assert not prior_is_related(promotion)
    assert "<dt>与申报职业相同或相关</dt><dd>否</dd>" in summary(screen(people, promotion))


def test_an_initial_application_shows_no_prior_certificate_fields(people, submitted):
    shown = summary(screen(people, submitted))
    assert "与申报职业相同或相关" not in shown and "该证书由平转取得" not in shown


# --- 办理记录 -----------------------------------------------------------------------------------


def test_draft_saves_and_uploads_are_folded_for_staff_and_applicant(people, draft):
    applicant = people["applicant"]
    for years in range(1, 13):
        draft = applying.save_step(applicant, draft, {"occupation_years": years}, expected_version=draft.version)
    fill(draft)
    for _ in range(2):
        applying.upload_document(applicant, draft, "photo", photo("PNG"), "照片.png")
    attach_documents(draft, ["id_front", "id_back", "diploma", "pledge"])
    submitted = applying.submit_application(applicant, draft)

    staff = screen(people, submitted)
    timeline = staff[staff.index('<ol class="timeline">') :]
    assert timeline.count("<li>") == 4  # 开始填写, 保存草稿 ×12, 上传材料 ×2, 提交申报
    assert "保存草稿 ×12" in timeline and "上传材料 ×2：白底证件照 ×2" in timeline and "（最早 " in timeline
    assert "提交申报" in timeline and "王**" in timeline

    mine = client_for(applicant).get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    timeline = mine[mine.index('<ol class="timeline">') :]
    assert timeline.count("<li>") == 4 and "保存草稿 ×12" in timeline
