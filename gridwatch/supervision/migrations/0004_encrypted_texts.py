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




def encrypt(apps, schema_editor):
    gridwatch.core.crypto.encrypt_columns(schema_editor, TEXTS)


def decrypt(apps, schema_editor):
    gridwatch.core.crypto.decrypt_columns(schema_editor, TEXTS)


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
