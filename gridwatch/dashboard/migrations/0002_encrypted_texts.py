"""The meetings' texts and corrections encrypted at rest, like the diary's and the cards' texts: the texts
already recorded are encrypted in place (read and written as raw SQL, since the model state of this
migration already declares the columns encrypted), and decrypted back when the migration is reversed."""

import gridwatch.core.crypto
from django.db import migrations

TEXTS = [("dashboard_analysismeeting", ("attendees", "problems", "decisions")), ("dashboard_meetingcorrection", ("text",))]


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


def encrypt(apps, schema_editor):
    provider = gridwatch.core.crypto.get_provider()
    _rewrite(schema_editor, provider.encrypt)


def decrypt(apps, schema_editor):
    provider = gridwatch.core.crypto.get_provider()
    _rewrite(schema_editor, provider.decrypt)


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0001_analysis_meetings'),
    ]

    operations = [
        migrations.RunPython(encrypt, decrypt),
        migrations.AlterField(
            model_name='analysismeeting',
            name='attendees',
            field=gridwatch.core.crypto.EncryptedTextField(verbose_name='attended by'),
        ),
        migrations.AlterField(
            model_name='analysismeeting',
            name='decisions',
            field=gridwatch.core.crypto.EncryptedTextField(verbose_name='decisions and tasks'),
        ),
        migrations.AlterField(
            model_name='analysismeeting',
            name='problems',
            field=gridwatch.core.crypto.EncryptedTextField(verbose_name='problems found'),
        ),
        migrations.AlterField(
            model_name='meetingcorrection',
            name='text',
            field=gridwatch.core.crypto.EncryptedTextField(verbose_name='correction'),
        ),
    ]
