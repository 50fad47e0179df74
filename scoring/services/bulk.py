"""Inserting many rows as plain tuples: 100,000 model instances cost more than writing them.
PostgreSQL's COPY, one executemany elsewhere (as `exams.services.arranging.write_seats`); the
database's constraints hold either way. No signals, no `save()`: for rows that have none."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field


def db_value(model: type[models.Model], name: str, value: object) -> object:
    """`value` of field `name` as the database takes it (a datetime on SQLite is text): for the
    constant columns of a batch, prepared once."""
    return _field(model, name).get_db_prep_save(value, connection)


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert `rows` (values in the order of the field names `names`, as the database takes them)."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(_field(model, name).column)) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            batch = list(rows)
            if batch:
                marks = ", ".join(["%s"] * len(names))
                insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (the model's own names)
                cursor.executemany(insert, batch)
