"""Applying step by step: what each step asks, the final check, and the one documents page."""

import io
from datetime import date
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from applications import services
from applications.models import Application, ApplicationDocument, Status
from applications.tests.fixtures import attach_documents, fill
from applications.tests.test_pages import white_photo
from catalog.models import Occupation
from conftest import client_for

MAJOR = "所学专业与申报职业相关"


def page(client, application, step):
    return client.get(reverse("applications:step", args=[application.pk, step])).content.decode()


def scan(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), (shade, 240, 240)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_major_is_asked_once_the_occupation_is_chosen_not_before(people, draft):
    client = client_for(people["applicant"])
    assert MAJOR not in page(client, draft, "person")
    target = page(client, draft, "target")
    assert MAJOR in target and target.index("申报职业") < target.index(MAJOR)

    response = client.post(
        reverse("applications:step", args=[draft.pk, "target"]),
        {
            "version": draft.version,
            "occupation": Occupation.objects.get(code="4-12-01-01").pk,
            "level": 4,
            "category": "initial",
            "occupation_years": 12,
            "education_related": "on",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.education_related is True


def test_a_draft_that_answered_the_major_on_the_first_step_keeps_its_answer(people, draft):
    fill(draft, education_related=True)
    client = client_for(people["applicant"])
    response = client.post(
        reverse("applications:step", args=[draft.pk, "person"]),
        {
            "version": draft.version,
            "full_name": "王小明",
            "ethnicity": "汉族",
            "education": "technical_school",
            "phone": "13800000001",
            "work_started_on": "2005-07-01",
            "employer": "呼和浩特市公路养护中心",
            "city": people["hohhot_co"].city.pk,
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.education_related is True and draft.ethnicity == "汉族"


def promotion_draft(draft) -> Application:
    fill(
        draft,
        level=3,
        category="promotion",
        prior_occupation=Occupation.objects.get(code="4-12-01-01"),
        prior_certificate_number="S000015010203000123",
        prior_level=4,
        prior_issued_on=date(2016, 6, 30),
        achievements="2019 年全市汽车维修技能竞赛三等奖",
        specialties="发动机电控系统故障诊断",
    )
    attach_documents(draft, ["id_front", "photo", "prior_certificate"])
    return draft


def test_the_final_check_shows_everything_that_will_be_submitted(people, draft):
    promotion_draft(draft)
    body = client_for(people["applicant"]).get(reverse("applications:review", args=[draft.pk])).content.decode()
    # the prior certificate, by the level's name
    assert "S000015010203000123" in body and "四级/中级工" in body and "2016年6月30日" in body
    # the work history and the record
    assert "2005.07 至今 呼和浩特市公路养护中心 汽车维修" in body
    assert "2019 年全市汽车维修技能竞赛三等奖" in body and "发动机电控系统故障诊断" in body
    assert MAJOR in body
    # the documents, uploaded or not
    documents = section(body, "review-documents")
    assert "上一级证书" in documents and "证书网上查询截图" in documents and "未上传" in documents
    assert reverse("applications:document_file", args=[draft.pk, "prior_certificate"]) in documents
    # personal numbers stay masked
    assert draft.id_number not in body and "13800000001" not in body


def section(body: str, element_id: str) -> str:
    start = body.index(f'id="{element_id}"')
    return body[start : body.index("</section>", start)]


def edit_link(body: str, element_id: str) -> str | None:
    head = section(body, element_id).split("</h2>")[1].split("</div>")[0]
    return head.split('href="')[1].split('"')[0] if "修改" in head else None


def test_every_section_of_the_final_check_links_to_where_it_is_changed(people, draft):
    promotion_draft(draft)
    body = client_for(people["applicant"]).get(reverse("applications:review", args=[draft.pk])).content.decode()
    for step in ("person", "target", "category", "record"):
        assert edit_link(body, f"review-{step}") == reverse("applications:step", args=[draft.pk, step])
    assert edit_link(body, "review-documents") == reverse("applications:documents", args=[draft.pk])


def test_a_returned_application_offers_to_change_only_the_returned_sections(people, draft):
    promotion_draft(draft)
    Application.objects.filter(pk=draft.pk).update(
        status=Status.RETURNED, returned_items=["prior_certificate_number"], returned_tier="city"
    )
    body = client_for(people["applicant"]).get(reverse("applications:review", args=[draft.pk])).content.decode()
    assert edit_link(body, "review-category") == reverse("applications:step", args=[draft.pk, "category"])
    for unchanged in ("review-person", "review-target", "review-record", "review-documents"):
        assert edit_link(body, unchanged) is None


def test_a_missing_field_links_to_the_step_that_asks_for_it(people, draft):
    fill(draft, employer="")
    body = client_for(people["applicant"]).get(reverse("applications:review", args=[draft.pk])).content.decode()
    assert f'href="{reverse("applications:step", args=[draft.pk, "person"])}#id_employer"' in body


def documents_url(application) -> str:
    return reverse("applications:documents", args=[application.pk])


def test_one_submit_of_the_documents_page_stores_every_chosen_file(people, draft):
    fill(draft)
    client = client_for(people["applicant"])
    response = client.post(
        documents_url(draft),
        {
            "file_photo": SimpleUploadedFile("照片.jpg", white_photo()),
            "file_id_front": SimpleUploadedFile("front.png", scan(10)),
            "file_id_back": SimpleUploadedFile("back.png", scan(20)),
        },
    )
    assert response.status_code == 302
    assert set(ApplicationDocument.objects.filter(application=draft).values_list("slot", flat=True)) == {
        "photo",
        "id_front",
        "id_back",
    }
    body = client.get(response.url).content.decode()
    assert "“白底证件照”已上传" in body and "“身份证反面”已上传" in body and "已上传 3 / 5 项" in body


def test_a_refused_file_is_explained_in_its_slot_and_the_others_are_kept(people, draft):
    fill(draft)
    response = client_for(people["applicant"]).post(
        documents_url(draft),
        {
            "file_photo": SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image"),
            "file_diploma": SimpleUploadedFile("diploma.png", scan(30)),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    photo = body[body.index('id="slot-photo"') :]
    photo = photo[: photo.index("</section>")]
    assert "field-error" in body[body.index('id="slot-photo"') - 40 : body.index('id="slot-photo"')]
    assert 'class="error-message"' in photo and "未上传" in photo
    assert 'href="#slot-photo"' in body  # the summary at the top points to it
    assert list(ApplicationDocument.objects.filter(application=draft).values_list("slot", flat=True)) == ["diploma"]


def test_submitting_the_documents_page_with_no_file_says_so(people, draft):
    response = client_for(people["applicant"]).post(documents_url(draft), {})
    assert response.status_code == 400 and "请先选择要上传的文件" in response.content.decode()


def test_an_upload_from_the_page_script_gets_back_only_its_slot(people, draft):
    fill(draft)
    client = client_for(people["applicant"])
    response = client.post(
        documents_url(draft), {"file_id_back": SimpleUploadedFile("back.png", scan(40))}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<section class="card slot" id="slot-id_back"') and "<html" not in body
    assert "已上传" in body and body.count("<section") == 1

    refused = client.post(
        documents_url(draft), {"file_photo": SimpleUploadedFile("p.jpg", b"MZ\x90\x00")}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 400
    fragment = refused.content.decode()
    assert 'id="slot-photo"' in fragment and "field-error" in fragment and "error-message" in fragment


def test_what_the_upload_service_did_to_a_file_is_shown(people, draft, monkeypatch):
    fill(draft)
    real = services.upload_document

    def with_notes(*args, **kwargs):
        real(*args, **kwargs)
        return SimpleNamespace(notes=["照片已压缩到 2 MB 以下。"])

    monkeypatch.setattr(services, "upload_document", with_notes)
    client = client_for(people["applicant"])
    fragment = client.post(
        documents_url(draft), {"file_photo": SimpleUploadedFile("p.jpg", white_photo())}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "照片已压缩到 2 MB 以下。" in fragment
    followed = client.post(
        documents_url(draft), {"file_photo": SimpleUploadedFile("p.jpg", white_photo())}, follow=True
    )
    assert "照片已压缩到 2 MB 以下。" in followed.content.decode()


def test_the_documents_page_is_one_plain_form_with_a_slot_for_each_document(people, draft):
    fill(draft, level=3, category="promotion")
    body = client_for(people["applicant"]).get(documents_url(draft)).content.decode()
    assert body.count('enctype="multipart/form-data"') == 1
    for slot in ("id_front", "id_back", "diploma", "pledge", "photo", "prior_certificate", "prior_certificate_query"):
        assert f'name="file_{slot}"' in body
    assert "上传所选文件" in body and "/static/js/uploads.js" in body and "onchange" not in body


def test_a_submitted_application_takes_no_more_uploads(people, complete_draft):
    Application.objects.filter(pk=complete_draft.pk).update(status=Status.SUBMITTED)
    client = client_for(people["applicant"])
    before = ApplicationDocument.objects.get(application=complete_draft, slot="photo").sha256
    response = client.post(documents_url(complete_draft), {"file_photo": SimpleUploadedFile("p.jpg", white_photo())})
    assert response.url == reverse("applications:detail", args=[complete_draft.pk])
    assert ApplicationDocument.objects.get(application=complete_draft, slot="photo").sha256 == before
    assert 'name="file_photo"' not in client.get(documents_url(complete_draft)).content.decode()
