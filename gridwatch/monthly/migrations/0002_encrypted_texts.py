"""A monthly report's remarks and return reason, and the reason of each step of its workflow, encrypted at
rest, like an urgent matter's details: the texts already recorded are encrypted in place (read and written
as raw SQL, since the model state of this migration already declares the columns encrypted), and decrypted
back when the migration is reversed."""

import gridwatch.core.crypto
from django.db import migrations

TEXTS = [("monthly_monthlyreport", ("remarks", "return_reason")), ("monthly_reporttransition", ("reason",))]




def encrypt(apps, schema_editor):
    gridwatch.core.crypto.encrypt_columns(schema_editor, TEXTS)


def decrypt(apps, schema_editor):
    gridwatch.core.crypto.decrypt_columns(schema_editor, TEXTS)


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
