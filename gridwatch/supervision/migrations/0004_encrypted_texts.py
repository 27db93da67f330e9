"""The grid leader's remarks on a supervision card and an inspection's findings, corrections and follow-up
encrypted at rest, like the card's summary and item notes, the register's and the diary's texts: the texts
already recorded are encrypted in place (read and written as raw SQL, since the model state of this
migration already declares the columns encrypted), and decrypted back when the migration is reversed."""

import gridwatch.core.crypto
from django.db import migrations

TEXTS = [
    ("supervision_supervisioncard", ("review_note",)),
    ("supervision_inspection", ("findings", "corrections", "follow_up")),
]


def _rewrite(schema_editor, change):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, columns in TEXTS:
            names = ", ".join(quote(c) for c in columns)
            cursor.execute(f"SELECT {quote('id')}, {names} FROM {quote(table)}")
            for pk, *values in cursor.fetchall():
                sets = ", ".join(f"{quote(c)} = %s" for c in columns)
                cursor.execute(
                    f"UPDATE {quote(table)} SET {sets} WHERE {quote('id')} = %s",
                    [change(v) if v else v for v in values] + [pk],
                )


def _encrypted_once(provider, value):
    """``value`` encrypted, unless it already is: the migration may meet rows written by the new code (an
    upgrade with the old processes stopped late, a migration run again after a failure)."""
    try:
        provider.decrypt(value)
    except gridwatch.core.crypto.DecryptionError:
        return provider.encrypt(value)
    return value


def encrypt(apps, schema_editor):
    provider = gridwatch.core.crypto.get_provider()
    _rewrite(schema_editor, lambda value: _encrypted_once(provider, value))


def decrypt(apps, schema_editor):
    provider = gridwatch.core.crypto.get_provider()
    _rewrite(schema_editor, provider.decrypt)


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0003_load_checklist_v1'),
    ]

    operations = [
        migrations.RunPython(encrypt, decrypt),
        migrations.AlterField(
            model_name='inspection',
            name='corrections',
            field=gridwatch.core.crypto.EncryptedTextField(blank=True, verbose_name='corrections required'),
        ),
        migrations.AlterField(
            model_name='inspection',
            name='findings',
            field=gridwatch.core.crypto.EncryptedTextField(verbose_name='findings'),
        ),
        migrations.AlterField(
            model_name='inspection',
            name='follow_up',
            field=gridwatch.core.crypto.EncryptedTextField(blank=True, verbose_name='follow-up'),
        ),
        migrations.AlterField(
            model_name='supervisioncard',
            name='review_note',
            field=gridwatch.core.crypto.EncryptedTextField(blank=True, verbose_name="grid leader's remarks"),
        ),
    ]
