"""The applicant's pages, and who else may open them."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from applications.models import Application, ApplicationDocument, Status
from applications.tests.fixtures import attach_documents, fill
from conftest import client_for


def white_photo(fmt: str = "JPEG", size=(390, 567)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (255, 255, 255))
    for x in range(size[0] // 4, 3 * size[0] // 4):  # a dark "person" in the middle
        for y in range(size[1] // 4, size[1]):
            image.putpixel((x, y), (60, 50, 40))
    image.save(buffer, fmt)
    return buffer.getvalue()


def test_start_page_then_first_step(people, open_campaign):
    client = client_for(people["applicant"])
    assert "开始填写" in client.get(reverse("applications:start")).content.decode()
    response = client.post(reverse("applications:start"))
    application = Application.objects.get()
    assert response.url == reverse("applications:step", args=[application.pk, "person"])
    # coming back continues the same application
    assert client.get(reverse("applications:start")).url == reverse("applications:detail", args=[application.pk])


def test_start_page_when_registration_has_closed(people, catalog_2023):
    body = client_for(people["applicant"]).get(reverse("applications:start_in", args=["2023"])).content.decode()
    assert "报名已于 2023年9月19日 截止" in body and "开始填写" not in body


def post_step(client, application, step, data):
    return client.post(
        reverse("applications:step", args=[application.pk, step]), {"version": application.version, **data}
    )


PERSON = {
    "full_name": "王小明",
    "ethnicity": "蒙古族",
    "education": "technical_school",
    "education_related": "on",
    "phone": "13800000001",
    "work_started_on": "2005-07-01",
    "employer": "呼和浩特市公路养护中心",
}


def test_person_step_saves_and_moves_on(people, draft):
    city = people["hohhot_co"].city
    response = post_step(client_for(people["applicant"]), draft, "person", {**PERSON, "city": city.pk})
    assert response.url == reverse("applications:step", args=[draft.pk, "target"])
    draft.refresh_from_db()
    assert (draft.ethnicity, draft.city, draft.version) == ("蒙古族", city, 1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "12345"}, "11 位"),
        ({"work_started_on": "2999-01-01"}, "不能晚于今天"),
        ({"work_started_on": "1990-01-01"}, "早于 16 周岁"),
        ({"city": ""}, "请选择工作单位所在盟市"),
    ],
)
def test_person_step_explains_bad_input_in_place(people, draft, changes, message):
    city = people["hohhot_co"].city
    response = post_step(client_for(people["applicant"]), draft, "person", {**PERSON, "city": city.pk, **changes})
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body and message in body
    draft.refresh_from_db()
    assert draft.version == 0  # nothing saved


def test_a_level_the_campaign_does_not_offer_is_refused(people, draft):
    from catalog.models import Level, Occupation

    guard = Occupation.objects.get(name="保卫管理员")  # offers 3、2、1 only
    response = post_step(
        client_for(people["applicant"]),
        draft,
        "target",
        {"occupation": guard.pk, "level": Level.objects.get(number=5).pk, "category": "initial", "occupation_years": 3},
    )
    assert "本批次“保卫管理员”只开设 3、2、1 级" in response.content.decode()


def test_a_form_from_another_tab_does_not_overwrite(people, draft):
    client = client_for(people["applicant"])
    city = people["hohhot_co"].city
    post_step(client, draft, "person", {**PERSON, "city": city.pk, "employer": "新单位"})
    stale = client.post(
        reverse("applications:step", args=[draft.pk, "person"]),
        {"version": 0, **PERSON, "city": city.pk, "employer": "旧单位"},
    )
    assert "其他页面或设备" in stale.content.decode()
    draft.refresh_from_db()
    assert draft.employer == "新单位"


def test_category_step_asks_only_what_the_category_needs(people, draft):
    fill(draft, category="through", level=3)
    body = (
        client_for(people["applicant"]).get(reverse("applications:step", args=[draft.pk, "category"])).content.decode()
    )
    assert "职称领域" in body and "上一级证书编号" not in body
    fill(draft, category="initial")
    body = (
        client_for(people["applicant"]).get(reverse("applications:step", args=[draft.pk, "category"])).content.decode()
    )
    assert "初次申报无需填写" in body


def test_transfer_certificate_needs_its_original_date(people, draft):
    from catalog.models import Occupation

    fill(draft, category="transfer", level=3)
    response = post_step(
        client_for(people["applicant"]),
        draft,
        "category",
        {
            "prior_occupation": Occupation.objects.get(code="6-31-01-03").pk,
            "prior_certificate_number": "S000015010203000123",
            "prior_level": "3",
            "prior_issued_on": "2020-05-01",
            "prior_related": "on",
            "prior_via_transfer": "on",
        },
    )
    assert "平转取得的证书须填写原证书发证日期" in response.content.decode()


def test_uploading_a_photo_stores_a_clean_jpeg_privately(people, draft, settings):
    client = client_for(people["applicant"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("applications:documents", args=[draft.pk]),
        {"slot": "photo", "file": SimpleUploadedFile("../../我的照片.png", white_photo("PNG"))},
    )
    assert response.status_code == 302
    document = ApplicationDocument.objects.get(application=draft, slot="photo")
    assert document.content_type == "image/jpeg" and document.file.name.endswith(".jpg")
    assert "我的照片" not in document.file.name and ".." not in document.file.name
    assert str(settings.MEDIA_ROOT) in document.file.path and "static" not in document.file.path
    served = client.get(reverse("applications:document_file", args=[draft.pk, "photo"]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    from urllib.parse import quote

    assert quote(f"王小明-{draft.id_number}.jpg") in served["Content-Disposition"]


def test_a_rejected_upload_is_explained_and_nothing_is_stored(people, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(people["applicant"])
    response = client.post(
        reverse("applications:documents", args=[draft.pk]),
        {"slot": "photo", "file": SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image")},
    )
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_review_page_shows_the_decision_and_what_is_missing(people, draft):
    fill(draft)
    body = client_for(people["applicant"]).get(reverse("applications:review", args=[draft.pk])).content.decode()
    assert "符合申报条件" in body and "还缺以下内容" in body and "白底证件照" in body
    assert "1985年3月15日" in body and "<dd>男</dd>" in body  # from the ID number 150102198503150017
    assert "disabled" in body


def test_submit_from_the_review_page(people, complete_draft):
    client = client_for(people["applicant"])
    response = client.post(reverse("applications:review", args=[complete_draft.pk]))
    assert response.url == reverse("applications:detail", args=[complete_draft.pk])
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.SUBMITTED
    body = client.get(response.url).content.decode()
    assert "已提交，待初审" in body and "提交申报" in body  # status and the timeline


def test_withdraw_from_the_detail_page(people, complete_draft):
    client = client_for(people["applicant"])
    client.post(reverse("applications:withdraw", args=[complete_draft.pk]))
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.WITHDRAWN


def test_my_account_lists_my_applications(people, draft):
    fill(draft)
    body = client_for(people["applicant"]).get(reverse("accounts:me")).content.decode()
    assert "汽车维修工" in body and "草稿" in body


def submitted(draft):
    fill(draft)
    attach_documents(draft)
    Application.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    return draft


@pytest.mark.parametrize(
    ("who", "status", "documents"),
    [
        ("applicant", 200, 200),
        ("hohhot_co", 200, 200),
        ("hohhot_reg", 200, 403),  # supervises the record, not the materials
        ("hohhot_expert", 404, 404),  # nothing is assigned to experts yet
        ("association", 200, 200),
        ("baotou_co", 404, 404),
        ("baotou_reg", 404, 404),
        ("anon", 302, 302),
    ],
)
def test_who_may_see_a_submitted_application_and_its_documents(people, draft, who, status, documents):
    submitted(draft)
    client = client_for(None if who == "anon" else people[who])
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == status
    assert client.get(reverse("applications:document_file", args=[draft.pk, "photo"])).status_code == documents


def test_staff_do_not_see_drafts(people, draft):
    fill(draft)
    assert client_for(people["hohhot_co"]).get(reverse("applications:detail", args=[draft.pk])).status_code == 404


def test_another_applicant_sees_nothing(people, draft):
    from accounts.models import Role, User

    other = User.objects.create_user(
        None,
        "Correct-horse-42",
        role=Role.APPLICANT,
        full_name="李四",
        id_number="11010519491231002X",
        phone="13900000009",
    )
    client = client_for(other)
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("applications:step", args=[draft.pk, "person"])).status_code == 404
    assert client.post(reverse("applications:withdraw", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.parametrize("who", ["hohhot_co", "association"])
def test_staff_cannot_edit_or_act_for_the_applicant(people, draft, who):
    client = client_for(people[who])
    assert client.get(reverse("applications:step", args=[draft.pk, "person"])).status_code == 404
    assert client.post(reverse("applications:review", args=[draft.pk])).status_code == 404


def test_the_filled_application_form_downloads_as_a_pdf(people, complete_draft):
    from pypdf import PdfReader

    Application.objects.filter(pk=complete_draft.pk).update(status=Status.SUBMITTED)
    response = client_for(people["applicant"]).get(reverse("applications:printable", args=[complete_draft.pk, "form"]))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "技能人员职业技能等级认定申报表" in text and "王小明" in text and "汽车维修工" in text
    assert people["applicant"].id_number in text  # printed in full: the applicant signs it


def test_the_pledge_is_prefilled_for_a_draft(people, draft):
    from pypdf import PdfReader

    fill(draft)
    response = client_for(people["applicant"]).get(reverse("applications:printable", args=[draft.pk, "pledge"]))
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "诚信承诺书" in text and "13800000001" in text and str(draft.campaign.year) in text


def test_printables_follow_the_access_rules(people, draft):
    submitted(draft)
    url = reverse("applications:printable", args=[draft.pk, "form"])
    assert client_for(people["baotou_co"]).get(url).status_code == 404
    assert client_for(people["hohhot_co"]).get(url).status_code == 403  # full numbers: the association only
    assert client_for(people["association"]).get(url).status_code == 200
    assert (
        client_for(people["applicant"]).get(reverse("applications:printable", args=[draft.pk, "x"])).status_code == 404
    )
