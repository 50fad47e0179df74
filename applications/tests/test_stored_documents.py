"""What is stored from an upload: clean images, hashes of the stored bytes, private file modes, no unsigned pledge."""

import hashlib
import io
import stat
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from applications import services
from applications.models import ApplicationDocument
from applications.tests import uploadfixtures as fx
from applications.tests.fixtures import fill
from audit.models import AuditEvent
from conftest import client_for
from skillcert.uploads import MB, UploadRejected

pytestmark = pytest.mark.django_db


def upload(client, application, slot: str, data: bytes, name: str = "IMG_0001.jpg"):
    url = reverse("applications:documents", args=[application.pk])
    return client.post(url, {"slot": slot, "file": SimpleUploadedFile(name, data)})


def stored_bytes(document: ApplicationDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_a_phone_photo_is_accepted_stored_under_2_mb_and_the_applicant_is_told(people, draft):
    client = client_for(people["applicant"])
    data = fx.phone_photo((3024, 4032), on_side=True, exif=fx.gps_exif(orientation=6))
    assert len(data) > 4 * MB

    response = upload(client, draft, "photo", data)

    assert response.status_code == 302
    document = ApplicationDocument.objects.get(application=draft, slot="photo")
    content = stored_bytes(document)
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG" and image.size == (1200, 1600) and len(content) <= 2 * MB
    assert len(image.getexif()) == 0 and b"HUAWEI" not in content
    assert document.sha256 == hashlib.sha256(content).hexdigest() and document.size == len(content)
    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("照片已从 3024 × 4032 像素、5." in note and "压缩为 1200 × 1600 像素" in note for note in told)
    page = client.get(response.url).content.decode()
    assert "照片已从 3024 × 4032 像素" in page


def test_an_id_card_photo_is_stored_upright_without_gps(people, draft):
    client = client_for(people["applicant"])
    data = fx.document_image("JPEG")
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    assert upload(client, draft, "id_front", data).status_code == 302

    document = ApplicationDocument.objects.get(application=draft, slot="id_front")
    content = stored_bytes(document)
    image = Image.open(io.BytesIO(content))
    assert image.size == (856, 540) and len(image.getexif()) == 0 and not image.getexif().get_ifd(0x8825)
    assert b"Exif" not in content and b"ICC_PROFILE" not in content and b"secret" not in content
    assert document.sha256 == hashlib.sha256(content).hexdigest() != hashlib.sha256(data).hexdigest()
    event = AuditEvent.objects.filter(action="applications.document_uploaded").latest("pk")
    assert event.after["sha256"] == document.sha256


def test_a_png_scan_is_stored_without_text_chunks_and_the_applicant_is_told(people, draft):
    client = client_for(people["applicant"])
    response = upload(client, draft, "id_back", fx.document_image("PNG"), "身份证.png")
    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("已去除图片中的拍摄时间、地点（GPS）、设备等附加信息。" in message for message in told)
    content = stored_bytes(ApplicationDocument.objects.get(application=draft, slot="id_back"))
    image = Image.open(io.BytesIO(content))
    assert image.format == "PNG" and image.size == (856, 540) and not image.text and len(image.getexif()) == 0
    for chunk in (b"eXIf", b"iCCP", b"tEXt", b"zTXt", b"iTXt"):
        assert chunk not in content


def test_stored_files_and_their_folders_are_readable_by_the_service_only(people, draft):
    document = services.upload_document(people["applicant"], draft, "diploma", fx.text_pdf("学历证书"), "a.pdf")
    path = Path(document.file.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_document_over_10_mb_is_refused_but_a_photo_may_be_20_mb(people, draft):
    client = client_for(people["applicant"])
    big = fx.text_pdf("学历证书") + b"\n" * (11 * MB)
    response = upload(client, draft, "diploma", big, "a.pdf")
    assert response.status_code == 400 and "文件不能超过 10 MB，当前约 11.0 MB。" in response.content.decode()
    padded = fx.photo() + b"\0" * (19 * MB)
    assert upload(client, draft, "photo", padded).status_code == 302
    response = upload(client, draft, "photo", fx.photo() + b"\0" * (21 * MB))
    assert response.status_code == 400 and "文件超过 20 MB" in response.content.decode()


def test_the_unsigned_pledge_we_generated_is_refused_with_what_to_do(people, draft):
    fill(draft)
    client = client_for(people["applicant"])
    generated = client.get(reverse("applications:printable", args=[draft.pk, "pledge"])).content
    assert generated.startswith(b"%PDF")

    response = upload(client, draft, "pledge", generated, "诚信承诺书-王小明.pdf")

    assert response.status_code == 400
    body = response.content.decode()
    assert "这是系统生成的未签字诚信承诺书。请打印出来，由本人亲笔签名后" in body
    assert not ApplicationDocument.objects.filter(application=draft, slot="pledge").exists()


def test_a_signed_and_scanned_pledge_is_accepted(people, draft):
    fill(draft)
    document = services.upload_document(people["applicant"], draft, "pledge", fx.scanned_pdf(1), "scan.pdf")
    assert document.slot == "pledge" and document.pages == 1


def test_our_generated_pledge_is_only_refused_in_the_pledge_slot(people, draft):
    from applications.documents import render_integrity_pledge

    fill(draft)
    generated = render_integrity_pledge(services.sheet_for(draft))
    with pytest.raises(UploadRejected):
        services.upload_document(people["applicant"], draft, "pledge", generated, "a.pdf")
    assert services.upload_document(people["applicant"], draft, "diploma", generated, "a.pdf").slot == "diploma"
