"""A fresh installation has a checklist: version 1, the plan's items (section 四), when there is none."""

from django.db import migrations


def load_v1(apps, schema_editor):
    from gridwatch.supervision.checklist import load_reference

    load_reference(
        apps.get_model("supervision", "ChecklistVersion"), apps.get_model("supervision", "ChecklistItem")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_checklist_cards_register_inspections"),
    ]

    operations = [
        migrations.RunPython(load_v1, migrations.RunPython.noop),
    ]
