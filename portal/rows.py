"""
Rows inserted without the ORM's query compiler (issue #17).

On the booking's path the ORM spent more CPU compiling its INSERTs (the
query, the compiler, and for several rows PostgreSQL's UNNEST of arrays)
than the database spent running them. ``insert`` sends the same values the
ORM would (each field's ``pre_save`` and database value, ``auto_now_add``
included) in one ``INSERT … VALUES … RETURNING`` of the primary key, and
marks the instances saved. No signals are sent: use it only for models
without save signals or overridden ``save()``.
"""

from collections.abc import Sequence

from django.db import connections, models, router


def insert(objs: Sequence[models.Model]) -> None:
    """Insert the unsaved instances ``objs`` (of one model) in one statement (or a few for many) and set their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    using = router.db_for_write(model)
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:  # not PostgreSQL or SQLite: the ORM
        model._default_manager.using(using).bulk_create(objs)
        return
    meta, quote = model._meta, connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    row = f"({', '.join(['%s'] * len(fields))})"
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) VALUES "
    size = max(connection.ops.bulk_batch_size(fields, objs), 1)  # as many as one statement may carry
    for start in range(0, len(objs), size):
        batch = objs[start:start + size]
        sql = f"{head}{', '.join([row] * len(batch))} RETURNING {quote(meta.pk.column)}"
        params = [field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in batch for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            keys = [found[0] for found in cursor.fetchall()]
        # In the order of VALUES, as Django's own bulk_create reads them on both databases.
        for obj, key in zip(batch, keys, strict=True):
            obj.pk = key
            obj._state.adding, obj._state.db = False, using
