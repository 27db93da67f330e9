"""The meetings' texts and corrections encrypted at rest, like the diary's and the cards' texts: the texts
already recorded are encrypted in place (read and written as raw SQL, since the model state of this
migration already declares the columns encrypted), and decrypted back when the migration is reversed."""

import gridwatch.core.crypto
from django.db import migrations

TEXTS = [("dashboard_analysismeeting", ("attendees", "problems", "decisions")), ("dashboard_meetingcorrection", ("text",))]



def encrypt(apps, schema_editor):
    gridwatch.core.crypto.encrypt_columns(schema_editor, TEXTS)


def decrypt(apps, schema_editor):
    gridwatch.core.crypto.decrypt_columns(schema_editor, TEXTS)


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
