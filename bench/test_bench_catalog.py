"""Benchmarks (`make bench`): how long the catalog's hot paths take.

Targets, checked by eye on the 2-core reference machine and recorded in CHANGELOG:
catalog page < 50 ms, occupations API < 30 ms, reading annex 1 < 20 ms.
"""

from datetime import date

import pytest

from catalog.catalog_io import read_catalog
from catalog.services import CATALOG_2023
from skillcert.lib import workdays


def test_read_and_validate_annex_1(benchmark):
    report = benchmark(read_catalog, CATALOG_2023)
    assert len(report.rows) == 98


def test_working_days_for_a_campaign(benchmark):
    due = benchmark(workdays.working_days_after, date(2023, 10, 15), 10)
    assert due == date(2023, 10, 27)


@pytest.mark.django_db
def test_catalog_page(benchmark, catalog_2023, client):
    response = benchmark(client.get, "/campaigns/2023/catalog/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_occupations_api(benchmark, catalog_2023, client):
    response = benchmark(client.get, "/api/v1/occupations", {"campaign": "2023"})
    assert len(response.json()) == 98


@pytest.mark.django_db
def test_full_import_of_annex_1(benchmark, catalog_2023):
    from catalog.services import import_catalog

    report = read_catalog(CATALOG_2023)
    result = benchmark.pedantic(import_catalog, args=(report,), kwargs={"campaign": catalog_2023}, rounds=5)
    assert result.rows == 98
