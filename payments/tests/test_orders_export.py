"""The staff orders list exports its filtered rows as xlsx, through the shared export rules."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from payments import services
from payments.tests.conftest import ROLES

EXPORT = reverse("payments_staff:export")


@pytest.fixture
def order(people, approved):
    return services.open_order(people["applicant"], approved)


def rows_of(response) -> list[dict]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_the_orders_export_is_the_filtered_list_with_numbers_masked(order, client_as):
    client = client_as("hohhot_co")
    assert "导出 Excel" in client.get(reverse("payments_staff:orders") + "?campaign=demo").content.decode()
    (row,) = rows_of(client.post(EXPORT + "?campaign=demo&state=pending"))
    assert row["订单号"] == order.code and row["姓名"] == "王小明" and row["状态"] == order.get_state_display()
    assert row["金额（元）"] == float(order.amount)
    assert row["联系电话"] == "138****0001" and "*" in row["身份证号码"]
    assert rows_of(client.post(EXPORT + "?campaign=demo&state=paid")) == []
    events = AuditEvent.objects.filter(action="exports.payment_orders").order_by("pk")
    assert [e.after["rows"] for e in events] == [1, 0]
    assert events[0].after["filter"] == {"campaign": "demo", "state": "pending"}


def test_the_orders_export_with_numbers_in_clear_is_audited(order, client_as):
    (row,) = rows_of(client_as("association").post(EXPORT + "?campaign=demo", {"personal": "on"}))
    assert row["联系电话"] == "13800000001" and row["身份证号码"] == order.application.id_number
    event = AuditEvent.objects.get(action="exports.payment_orders")
    assert event.actor_label == "alice" and event.after["personal_data"] is True and event.after["rows"] == 1


@pytest.mark.parametrize("role", ROLES)
def test_who_may_export_the_orders(other_applicant, order, role, client_as):
    response = client_as(role).post(EXPORT + "?campaign=demo")
    expected = {"anon": 302, "applicant": 403, "other_applicant": 403, "hohhot_expert": 403}.get(role, 200)
    assert response.status_code == expected
    if expected == 200:
        assert len(rows_of(response)) == (0 if role == "baotou_co" else 1)
