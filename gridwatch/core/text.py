"""Chinese text helpers: pinyin for search (full and initials), prefix matches that use an index."""

from pypinyin import Style, lazy_pinyin


def pinyin_full(text: str) -> str:
    return "".join(lazy_pinyin(text, errors="ignore")).lower()


def pinyin_initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()


# The highest code point: ``prefix <= s < prefix + PREFIX_END`` holds for exactly the strings s (without
# U+10FFFF) that start with ``prefix``, in code-point order (SQLite; PostgreSQL with the C collation).
PREFIX_END = "\U0010ffff"


def prefix_range(field: str, prefix) -> dict:
    """Lookups for "``field`` starts with ``prefix``" (a string or an expression such as ``OuterRef``) that
    an index serves.

    SQLite's ``LIKE`` is case-insensitive and cannot use the column's index, so there it is a range in
    code-point order. PostgreSQL orders a range by the column's collation, which on most servers is not
    code-point order (``/`` and the digits of a path, or Chinese characters, sort differently), so there it
    stays ``startswith``, which the ``varchar_pattern_ops`` index Django creates serves exactly.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        return {f"{field}__startswith": prefix}
    if hasattr(prefix, "resolve_expression"):
        from django.db.models import Value
        from django.db.models.functions import Concat

        end = Concat(prefix, Value(PREFIX_END))
    else:
        end = prefix + PREFIX_END
    return {f"{field}__gte": prefix, f"{field}__lt": end}
