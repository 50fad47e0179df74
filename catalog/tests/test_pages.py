import csv
from datetime import date

from django.urls import reverse

from catalog.models import Campaign
from catalog.services import CATALOG_2023, WINDOW_FIELDS, ensure_demo_campaign


def test_the_2023_campaign_page_shows_the_notices_dates_and_steps(catalog_2023, client):
    body = client.get(reverse("catalog:campaign", args=["2023"])).content.decode()
    for text in ["2023年8月30日", "9月19日", "2023年9月25日", "9月27日", "2023年10月15日", "8:30–10:00", "10:30–12:30"]:
        assert text in body
    assert "2023年10月9日" in body  # 考务手册: 5 working days before the exam
    assert "2023年10月27日" in body  # results: 10 working days after
    assert "资格审核" in body and "缴费" in body and "自治区直属单位由呼和浩特市协办单位统一报名" in body
    assert "本批次共 98 个职业" in body


def test_the_year_and_the_slug_both_find_the_campaign(catalog_2023, client):
    assert client.get("/campaigns/2023/").status_code == 200
    assert client.get("/campaigns/1999/").status_code == 404


def test_home_shows_the_campaign_open_for_registration(catalog_2023, client, settings):
    ensure_demo_campaign(date.today())
    body = client.get("/").content.decode()
    assert "演示批次" in body and "正在报名" in body and "我要报名" in body


def test_home_falls_back_to_the_latest_campaign(catalog_2023, client):
    body = client.get("/").content.decode()
    assert "2023 年度全区机关事业单位技能人员职业技能等级认定" in body and "正在报名" not in body


def test_home_without_any_campaign_says_so(db, client):
    Campaign.objects.all().delete()
    assert "暂无认定批次" in client.get("/").content.decode()


def test_a_deadline_beyond_the_holiday_calendar_is_to_be_announced_not_guessed(catalog_2023, client):
    campaign = Campaign.objects.get(slug="2023")
    Campaign.objects.filter(pk=campaign.pk).update(
        **{name: getattr(campaign, name).replace(year=2099) for name in WINDOW_FIELDS}
    )
    body = client.get("/campaigns/2023/").content.decode()
    assert body.count("待公布") == 2  # 考务手册 and 成绩公示
    assert "chinesecalendar" not in body and "覆盖范围" not in body and "工作日" not in body


def test_the_catalog_lists_all_98_occupations_with_the_levels_of_annex_1(catalog_2023, client):
    response = client.get(reverse("catalog:catalog", args=["2023"]))
    shown = [
        (r.position, r.occupation.name, r.occupation.code, "、".join(map(str, r.level_numbers())))
        for r in response.context["rows"]
    ]
    with CATALOG_2023.open(encoding="utf-8") as handle:
        annex = [(int(r["序号"]), r["职业"], r["职业编码"], r["级别"]) for r in csv.DictReader(handle)]
    assert shown == annex
    body = response.content.decode()
    assert "<td>保卫管理员</td>" in body and "3、2、1" in body


def test_catalog_search_by_name_and_by_code(catalog_2023, client):
    url = reverse("catalog:catalog", args=["2023"])
    names = lambda **q: [r.occupation.name for r in client.get(url, q).context["rows"]]  # noqa: E731
    electricians = names(q="电工")  # a repeated read is served from the cache, without a template context
    assert "电工" in electricians and "钳工" not in electricians
    assert names(q="6-31-01") == ["电工", "工程机械维修工", "锅炉设备检修工", "变电设备检修工"]
    assert names(q="没有这个职业") == []


def test_catalog_filter_by_level(catalog_2023, client):
    rows = client.get(reverse("catalog:catalog", args=["2023"]), {"level": "1"}).context["rows"]
    assert all(1 in r.level_numbers() for r in rows)
    names = [r.occupation.name for r in rows]
    assert "保卫管理员" in names and "秘书" not in names and "护林员" not in names


def test_catalog_ignores_a_nonsense_level(catalog_2023, client):
    response = client.get(reverse("catalog:catalog", args=["2023"]), {"level": "9'; drop"})
    assert response.status_code == 200 and len(response.context["rows"]) == 98


def test_catalog_htmx_request_gets_only_the_results(catalog_2023, client):
    response = client.get(reverse("catalog:catalog", args=["2023"]), {"q": "电工"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"') and "<html" not in body and "6-31-01-03" in body


def test_directory_lists_every_city_with_both_partners(catalog_2023, client):
    body = client.get(reverse("catalog:directory")).content.decode()
    assert body.count('class="card" id="city-') == 13
    for text in [
        "满洲里市就业服务中心",
        "呼和浩特市技工学校(含直属单位)",
        "0471-5181385",
        "含自治区直属单位",
        "0471-3956299",
    ]:
        assert text in body


def test_pages_are_chinese_and_mobile_ready(catalog_2023, client):
    body = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in body and 'name="viewport"' in body
    assert "https://" not in body.split("</head>")[0]  # no CDN: every asset is local


def test_catalog_page_and_api_use_a_fixed_number_of_queries(catalog_2023, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(reverse("catalog:catalog", args=["2023"]))
    with django_assert_max_num_queries(6):
        client.get("/api/v1/occupations", {"campaign": "2023"})
    with django_assert_max_num_queries(6):
        client.get(reverse("catalog:directory"))
