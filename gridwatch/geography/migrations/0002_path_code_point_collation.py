from django.db import migrations

from gridwatch.core.migration_ops import code_point_collation


class Migration(migrations.Migration):
    dependencies = [("geography", "0001_initial")]

    operations = [code_point_collation([("geography_area", "path", 120)])]
