"""The triage reason of a report and the reason and decision note of a clarification encrypted at rest, like
the case history that holds the same texts: the texts already recorded are encrypted in place (read and
written as raw SQL, since the model state of this migration already declares the columns encrypted), and
decrypted back when the migration is reversed.

A declined clarification used to tell the cadre the county's reason in the notification (a plain table):
those notifications now say where to read it, as the service does from now on. Reversing leaves them so
(the reason stays on the finding's page)."""

import gridwatch.core.crypto
from django.db import migrations

TEXTS = [("cases_report", ("status_reason",)), ("cases_clarification", ("reason", "decision_note"))]

# The notification of a declined clarification as it was written, in each language of the site, and what
# it says now (a migration keeps its own copy of the texts: the catalogue may change later).
DECLINED_SUBJECTS = ("Your request for a clarification was declined", "您的澄清正名申请未获批准")
OLD_AND_NEW_BODIES = (
    ("The county commission's reason: ", "The reason is on the finding's page."),
    ("县纪委说明的理由：", "理由请在核实结论页面查看。"),
)



def _hide_declined_reasons(schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table = quote("accounts_notification")
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(DECLINED_SUBJECTS))
        cursor.execute(
            f"SELECT {quote('id')}, {quote('body')} FROM {table} WHERE {quote('subject')} IN ({marks})",
            list(DECLINED_SUBJECTS),
        )
        for pk, body in cursor.fetchall():
            for old, new in OLD_AND_NEW_BODIES:
                if (body or "").startswith(old):
                    cursor.execute(
                        f"UPDATE {table} SET {quote('body')} = %s WHERE {quote('id')} = %s", [new, pk]
                    )
                    break



def encrypt(apps, schema_editor):
    gridwatch.core.crypto.encrypt_columns(schema_editor, TEXTS)
    _hide_declined_reasons(schema_editor)


def decrypt(apps, schema_editor):
    gridwatch.core.crypto.decrypt_columns(schema_editor, TEXTS)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_initial'),
        ('cases', '0005_pack_period_indexes'),
    ]

    operations = [
        migrations.RunPython(encrypt, decrypt),
        migrations.AlterField(
            model_name='clarification',
            name='decision_note',
            field=gridwatch.core.crypto.EncryptedTextField(blank=True, verbose_name='decision note'),
        ),
        migrations.AlterField(
            model_name='clarification',
            name='reason',
            field=gridwatch.core.crypto.EncryptedTextField(blank=True, verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='report',
            name='status_reason',
            field=gridwatch.core.crypto.EncryptedTextField(blank=True, verbose_name='reason'),
        ),
    ]
