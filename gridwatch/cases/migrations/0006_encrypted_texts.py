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
    _hide_declined_reasons(schema_editor)


def decrypt(apps, schema_editor):
    provider = gridwatch.core.crypto.get_provider()
    _rewrite(schema_editor, provider.decrypt)


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
