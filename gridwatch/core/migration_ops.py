"""Migration helpers shared by the apps."""

from django.db import migrations


def code_point_collation(columns):
    """A migration operation that declares ``columns`` (``(table, column, varchar length)``) ``COLLATE "C"``
    on PostgreSQL, so that prefix ranges (``core.text.prefix_range``) and their indexes follow code-point
    order whatever the server's default collation. SQLite compares in code-point order already (BINARY).

    PostgreSQL rebuilds the columns' indexes with the new collation; the tables are analysed again.
    """

    def alter(collation):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            for table, column, length in columns:
                schema_editor.execute(
                    f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar({length}) COLLATE {collation}'
                )
            # Changing a column's type drops its statistics; without them the planner guesses (a township's
            # 124 cadres looked like a third of the table in the benchmark) until autovacuum analyses.
            for table in sorted({table for table, _, _ in columns}):
                schema_editor.execute(f'ANALYZE "{table}"')

        return run

    return migrations.RunPython(alter('"C"'), alter('"default"'), elidable=False)
