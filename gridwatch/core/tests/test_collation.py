"""Prefix ranges (``core.text.prefix_range``) are exact only in code-point order: on PostgreSQL the columns
they run on are declared ``COLLATE "C"``, whatever collation the server defaults to."""

import pytest
from django.db import connection

from gridwatch.core.text import prefix_range
from gridwatch.geography.models import Area

COLUMNS = [
    ("geography_area", "path"),
    ("people_cadre", "supervising_path"),
    ("people_cadre", "name"),
    ("people_cadre", "name_pinyin"),
    ("people_cadre", "name_initials"),
    ("cases_report", "supervising_path"),
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite compares in code-point order (BINARY)")
@pytest.mark.django_db
def test_it_declares_the_prefix_matched_columns_code_point_ordered_on_postgresql():
    with connection.cursor() as cursor:
        for table, column in COLUMNS:
            cursor.execute(
                "SELECT collation_name FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
                [table, column],
            )
            assert cursor.fetchone() == ("C",), (table, column)


def test_it_matches_exactly_the_paths_under_a_prefix(township_a, community_a, grid_a, township_b, grid_b):
    under_a = Area.objects.filter(**prefix_range("path", township_a.path))
    assert set(under_a) == {township_a, community_a, grid_a}
    assert set(Area.objects.filter(**prefix_range("path", grid_b.path))) == {grid_b}
