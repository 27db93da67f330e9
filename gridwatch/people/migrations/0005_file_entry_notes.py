"""A file entry's free text (a verified finding's summary, the reason a status changed) moves out of the
plain ``details`` into its own encrypted column, ``note``: a finding's summary is encrypted on the report it
comes from and must not lie readable in the cadre's file. The notes already recorded are moved and
encrypted in place (read and written as raw SQL, like the other encrypting migrations), and put back into
``details`` in plain when the migration is reversed."""

import json

import gridwatch.core.crypto
from django.db import migrations

TABLE = "people_cadrefileentry"


def _load(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def move_out(apps, schema_editor):
    """``details["note"]`` → ``note``, encrypted."""
    provider = gridwatch.core.crypto.get_provider()
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Only the rows that may hold a note are read (the key is checked again below).
        cursor.execute(
            f"SELECT {quote('id')}, {quote('details')} FROM {quote(TABLE)} "
            f"WHERE CAST({quote('details')} AS TEXT) LIKE %s",
            ['%"note"%'],
        )
        for pk, details in cursor.fetchall():
            details = _load(details)
            if not isinstance(details, dict) or "note" not in details:
                continue
            note = details.pop("note")
            note = note if isinstance(note, str) else ("" if note is None else str(note))
            cursor.execute(
                f"UPDATE {quote(TABLE)} SET {quote('details')} = %s, {quote('note')} = %s "
                f"WHERE {quote('id')} = %s",
                [connection.ops.adapt_json_value(details, None), provider.encrypt(note) if note else "", pk],
            )


def move_back(apps, schema_editor):
    """``note``, decrypted → ``details["note"]``."""
    provider = gridwatch.core.crypto.get_provider()
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('id')}, {quote('details')}, {quote('note')} FROM {quote(TABLE)} "
            f"WHERE {quote('note')} <> %s",
            [""],
        )
        for pk, details, note in cursor.fetchall():
            details = _load(details) or {}
            details["note"] = provider.decrypt(note)
            cursor.execute(
                f"UPDATE {quote(TABLE)} SET {quote('details')} = %s WHERE {quote('id')} = %s",
                [connection.ops.adapt_json_value(details, None), pk],
            )


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_surname_readings'),
    ]

    operations = [
        migrations.AddField(
            model_name='cadrefileentry',
            name='note',
            field=gridwatch.core.crypto.EncryptedTextField(blank=True, verbose_name='note'),
        ),
        migrations.RunPython(move_out, move_back),
    ]
