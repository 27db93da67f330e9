"""Chinese text helpers: pinyin for search (full and initials), prefix ranges that use an index."""

from pypinyin import Style, lazy_pinyin


def pinyin_full(text: str) -> str:
    return "".join(lazy_pinyin(text, errors="ignore")).lower()


def pinyin_initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()


# The highest code point: ``prefix <= s < prefix + PREFIX_END`` holds for exactly the strings s (without
# U+10FFFF) that start with ``prefix``, in code-point order (SQLite; PostgreSQL with the C collation).
PREFIX_END = "\U0010ffff"


def prefix_range(field: str, prefix) -> dict:
    """Lookups for "``field`` starts with ``prefix``" (a string or an expression such as ``OuterRef``) as a
    range in code-point order, which the column's plain B-tree index serves.

    SQLite's ``LIKE`` is case-insensitive and cannot use that index. On PostgreSQL a range follows the
    column's collation, so the columns matched this way (area paths, the cadre's supervising path and name
    columns) are declared ``COLLATE "C"`` there (``CODE_POINT_COLUMNS`` in the migrations): code-point order
    whatever the server's default collation.
    """
    if hasattr(prefix, "resolve_expression"):
        from django.db.models import Value
        from django.db.models.functions import Concat

        end = Concat(prefix, Value(PREFIX_END))
    else:
        end = prefix + PREFIX_END
    return {f"{field}__gte": prefix, f"{field}__lt": end}


def untranslated(lazy_text):
    """The message id behind a lazy label, to store and translate when shown (in the reader's language,
    not in the language of whoever happened to write it)."""
    from django.utils import translation

    with translation.override(None):
        return str(lazy_text)
