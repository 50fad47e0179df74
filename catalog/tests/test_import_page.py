from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from catalog.models import CampaignOccupation, Occupation
from conftest import client_for

URL = reverse("catalog_import")
GOOD = "序号,职业,职业编码,级别\n1,电工,6-31-01-03,3、2\n2,新职业,4-99-01-01,5\n"


def upload(client, content: str | bytes, name: str = "catalog.csv", **fields):
    data = content.encode() if isinstance(content, str) else content
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **fields})


def test_association_imports_a_catalog_into_a_campaign(people, catalog_2023):
    response = upload(client_for(people["association"]), GOOD, campaign=catalog_2023.pk)
    body = response.content.decode()
    assert "已导入 2 个职业：新增 1" in body and "移除 97 个" in body
    assert CampaignOccupation.objects.filter(campaign=catalog_2023).count() == 2
    assert AuditEvent.objects.filter(action="catalog.imported", actor=people["association"]).count() == 1


def test_one_bad_row_shows_every_problem_and_imports_nothing(people, catalog_2023):
    before = Occupation.objects.count(), CampaignOccupation.objects.count()
    response = upload(client_for(people["association"]), GOOD + "3,坏行,4-99,7\n", campaign=catalog_2023.pk)
    body = response.content.decode()
    assert "1 行有错误，未导入任何数据" in body and "第 4 行" in body and "级别“7”无效" in body
    assert (Occupation.objects.count(), CampaignOccupation.objects.count()) == before
    assert not AuditEvent.objects.filter(action="catalog.imported", actor=people["association"]).exists()


def test_check_only_validates_without_importing(people, catalog_2023):
    response = upload(client_for(people["association"]), GOOD, check_only="on")
    assert "检查通过：共 2 个职业" in response.content.decode()
    assert not Occupation.objects.filter(code="4-99-01-01").exists()


def test_wrong_kind_of_file_is_refused_in_place(people, catalog_2023):
    response = upload(client_for(people["association"]), b"%PDF-1.7", name="catalog.pdf")
    assert "只接受 .csv、.xlsx 或 .md 文件" in response.content.decode()


def test_a_file_over_2_mb_is_refused(people, catalog_2023):
    response = upload(client_for(people["association"]), "序号,职业,职业编码,级别\n" + "x" * (2 * 1024 * 1024))
    assert "文件超过 2 MB" in response.content.decode()


def test_an_unreadable_file_says_why(people, catalog_2023):
    response = upload(client_for(people["association"]), "名称,代码\n电工,6-31-01-03\n")
    assert "表头" in response.content.decode()


def test_missing_file_is_explained(people, catalog_2023):
    response = client_for(people["association"]).post(URL, {})
    assert "error-summary" in response.content.decode()


def test_city_staff_cannot_import(people, catalog_2023):
    assert upload(client_for(people["hohhot_co"]), GOOD).status_code == 403
    assert not Occupation.objects.filter(code="4-99-01-01").exists()
