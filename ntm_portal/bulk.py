"""Writing many rows at once: plain rows inserted by COPY on PostgreSQL (`bulk_create`
elsewhere, SQLite), and Python's cycle collector paused while a bulk job builds its objects.

`bulk_create` costs some 30 µs a row in Python (a model instance, then every value prepared
field by field), and on PostgreSQL sends each column as an array literal in which psycopg
escapes every quote and backslash again, one regular-expression match at a time: 10,000 audit
rows or checked roster rows take a third of a second to a second. COPY formats the same rows in
C in a tenth of that. For plain inserts only (no upsert, no returned keys, no signals — as
`bulk_create`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import JSONField, Model


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    using: str = DEFAULT_DB_ALIAS,
    batch_size: int = 2000,
) -> None:
    """Insert `rows` into `model`'s table, each row's values in the order of `fields` (the
    model's attribute names: "evaluation_id" for a foreign key). Values go as the database
    stores them — ids, aware datetimes, decimals, text — except JSON, encoded here with the
    field's own encoder. Every column left out must have a database default or allow NULL."""
    meta = model._meta
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._base_manager.using(using).bulk_create(
            (model(**dict(zip(fields, row, strict=True))) for row in rows), batch_size=batch_size
        )
        return
    columns = [meta.get_field(name) for name in fields]
    encoders = {
        position: field.get_db_prep_save
        for position, field in enumerate(columns)
        if isinstance(field, JSONField)
    }
    quote = connection.ops.quote_name
    statement = "COPY {} ({}) FROM STDIN".format(
        quote(meta.db_table), ", ".join(quote(field.column) for field in columns)
    )
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            if encoders:
                row = [
                    encoders[position](value, connection) if position in encoders else value
                    for position, value in enumerate(row)
                ]
            copy.write_row(row)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector off for a bulk job (a roster's check or confirmation): it
    builds tens of thousands of small objects (rows, outcomes, model instances), and each
    thousands of them set off a collection that walks every object alive — a quarter of a
    10,000-row import's time. Reference counting still frees them as they go; any cycles wait
    for the first collection after. Process-wide: a job running beside it in another thread
    goes without collections meanwhile, which is harmless."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
