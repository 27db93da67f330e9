"""Re-encrypt every encrypted field with the newest key (SECURITY.md item 4).

Rotation: put the new key first in GRIDWATCH_FIELD_KEYS and keep the old ones after it; run this
command; once it reports no failures, remove the old keys. Values are read and written as stored
ciphertext (the model layer is bypassed, so nothing is decrypted into Python objects beyond one value
at a time and ``updated_at`` does not change). Each batch is its own transaction; running the command
again is harmless. One audit event records the counts.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from gridwatch.audit.services import audit_log
from gridwatch.core.crypto import DecryptionError, encrypted_fields, get_provider


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field value with the first key of GRIDWATCH_FIELD_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        provider = get_provider()
        counts, failures = {}, {}
        for model, fields in encrypted_fields():
            for field in fields:
                label = f"{model._meta.label_lower}.{field.name}"
                done, failed = self._rotate_column(provider, model, field, batch_size)
                counts[label] = done
                if failed:
                    failures[label] = failed
                self.stdout.write(f"{label}: {done} re-encrypted" + (f", {failed} FAILED" if failed else ""))
        audit_log(
            actor=None,
            action="crypto.rotate_field_keys",
            object_type="core.crypto",
            changes={"rotated": counts, "failed": failures},
        )
        if failures:
            raise CommandError(
                "some values could not be decrypted with any configured key: "
                + ", ".join(f"{k} ({v})" for k, v in failures.items())
            )
        self.stdout.write(self.style.SUCCESS(f"field keys rotated: {sum(counts.values())} values"))

    def _rotate_column(self, provider, model, field, batch_size):
        qn = connection.ops.quote_name
        table, column, pk = qn(model._meta.db_table), qn(field.column), qn(model._meta.pk.column)
        select = (
            f"SELECT {pk}, {column} FROM {table} "
            f"WHERE {column} IS NOT NULL AND {column} <> '' AND {pk} > %s ORDER BY {pk} LIMIT %s"
        )
        select_first = (
            f"SELECT {pk}, {column} FROM {table} "
            f"WHERE {column} IS NOT NULL AND {column} <> '' ORDER BY {pk} LIMIT %s"
        )
        update = f"UPDATE {table} SET {column} = %s WHERE {pk} = %s"
        done = failed = 0
        last = None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                if last is None:
                    cursor.execute(select_first, [batch_size])
                else:
                    cursor.execute(select, [last, batch_size])
                rows = cursor.fetchall()
                if not rows:
                    return done, failed
                for row_pk, ciphertext in rows:
                    try:
                        rotated = provider.rotate(ciphertext)
                    except DecryptionError:
                        failed += 1
                        continue
                    cursor.execute(update, [rotated, row_pk])
                    done += 1
                last = rows[-1][0]
