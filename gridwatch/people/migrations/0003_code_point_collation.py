from django.db import migrations

from gridwatch.core.migration_ops import code_point_collation


class Migration(migrations.Migration):
    dependencies = [("people", "0002_remove_cadre_name_idx")]

    operations = [
        code_point_collation(
            [
                ("people_cadre", "supervising_path", 120),
                ("people_cadre", "name", 50),
                ("people_cadre", "name_pinyin", 200),
                ("people_cadre", "name_initials", 50),
            ]
        )
    ]
