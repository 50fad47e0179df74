def test_occupations_of_2023_in_the_notices_order(catalog_2023, client):
    response = client.get("/api/v1/occupations", {"campaign": "2023"})
    assert response.status_code == 200
    data = response.json()
    assert len(data) == 98
    assert data[0] == {"code": "4-12-01-01", "name": "汽车维修工", "levels": [5, 4, 3, 2, 1]}
    by_name = {row["name"]: row for row in data}
    assert by_name["保卫管理员"]["levels"] == [3, 2, 1]
    assert by_name["秘书"]["levels"] == [5, 4, 3, 2]
    assert by_name["护林员"]["levels"] == [5, 4, 3]


def test_occupations_default_to_the_featured_campaign(catalog_2023, client):
    assert len(client.get("/api/v1/occupations").json()) == 98


def test_occupations_can_be_searched_and_filtered(catalog_2023, client):
    assert [r["name"] for r in client.get("/api/v1/occupations", {"campaign": "2023", "q": "电工"}).json()] == ["电工"]
    level_one = client.get("/api/v1/occupations", {"campaign": "2023", "level": 1}).json()
    assert all(1 in r["levels"] for r in level_one) and len(level_one) < 98


def test_unknown_campaign_is_404_with_a_chinese_message(catalog_2023, client):
    response = client.get("/api/v1/occupations", {"campaign": "1999"})
    assert response.status_code == 404 and "认定批次不存在" in response.json()["detail"]


def test_bad_parameters_are_422_not_500(catalog_2023, client):
    assert client.get("/api/v1/occupations", {"level": 7}).status_code == 422
    assert client.get("/api/v1/occupations", {"level": "abc"}).status_code == 422


def test_cities_with_their_partners(catalog_2023, client):
    data = client.get("/api/v1/cities").json()
    assert len(data) == 13
    hohhot = data[0]
    assert hohhot["name"] == "呼和浩特市" and hohhot["hosts_direct_units"] is True
    assert hohhot["co_organizer"]["name"] == "呼和浩特市技工学校(含直属单位)"
    assert hohhot["regulator"] == {
        "name": "呼和浩特市就业服务中心",
        "address": "呼和浩特市新华东街87号奈伦国际B座13楼1307室",
        "office_phone": "0471-5181385",
    }
    assert data[-1]["name"] == "满洲里市"


def test_openapi_schema_describes_the_endpoints(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/occupations", "/api/v1/cities"} <= set(schema["paths"])


def test_api_docs_are_served_without_a_cdn(db, client):
    body = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in body
    assert "cdn." not in body and "https://" not in body


def test_campaign_with_windows_sessions_and_working_day_deadlines(catalog_2023, client):
    data = client.get("/api/v1/campaigns/2023").json()
    assert data["registration"] == {"opens": "2023-08-30", "closes": "2023-09-19"}
    assert data["payment"] == {"opens": "2023-09-25", "closes": "2023-09-27"}
    assert data["exam_date"] == "2023-10-15" and data["arrangement_due"] == "2023-10-06"
    assert data["handbook_due"] == "2023-10-09" and data["results_due"] == "2023-10-27"
    assert [(s["kind"], s["starts_at"], s["ends_at"]) for s in data["sessions"]] == [
        ("theory", "08:30:00", "10:00:00"),
        ("skill", "10:30:00", "12:30:00"),
    ]


def test_campaign_list_and_unknown_campaign(catalog_2023, client):
    assert [c["slug"] for c in client.get("/api/v1/campaigns").json()] == ["2023"]
    response = client.get("/api/v1/campaigns/1999")
    assert response.status_code == 404 and "认定批次不存在" in response.json()["detail"]


def test_deadline_beyond_the_holiday_calendar_is_null(catalog_2023, client):
    from catalog.models import Campaign
    from catalog.services import WINDOW_FIELDS

    Campaign.objects.filter(slug="2023").update(
        **{name: getattr(catalog_2023, name).replace(year=2099) for name in WINDOW_FIELDS}
    )
    data = client.get("/api/v1/campaigns/2023").json()
    assert data["handbook_due"] is None and data["results_due"] is None and data["exam_date"] == "2099-10-15"
