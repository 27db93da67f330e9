"""A monthly report's remarks and return reason, and the reason of each step of its workflow, encrypted at
rest, like an urgent matter's details: the texts already recorded are encrypted in place (read and written
as raw SQL, since the model state of this migration already declares the columns encrypted), and decrypted
back when the migration is reversed."""

import gridwatch.core.crypto
from django.db import migrations

TEXTS = [("monthly_monthlyreport", ("remarks", "return_reason")), ("monthly_reporttransition", ("reason",))]


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
        ('monthly', '0001_reports_and_urgent_matters'),
    ]

    operations = [
        migrations.RunPython(encrypt, decrypt),
        migrations.AlterField(
            model_name='monthlyreport',
            name='remarks',
            field=gridwatch.core.crypto.EncryptedTextField(blank=True, verbose_name='remarks'),
        ),
        migrations.AlterField(
            model_name='monthlyreport',
            name='return_reason',
            field=gridwatch.core.crypto.EncryptedTextField(blank=True, verbose_name='reason for returning it'),
        ),
        migrations.AlterField(
            model_name='reporttransition',
            name='reason',
            field=gridwatch.core.crypto.EncryptedTextField(blank=True, verbose_name='reason'),
        ),
    ]
