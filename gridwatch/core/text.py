"""Chinese text helpers: pinyin for search (full and initials), prefix ranges that use an index."""

from pypinyin import Style, lazy_pinyin


def pinyin_full(text: str) -> str:
    return "".join(lazy_pinyin(text, errors="ignore")).lower()


def pinyin_initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()


def prefix_range(field: str, prefix: str) -> dict:
    """A prefix match as a range, which a plain B-tree index serves on SQLite and PostgreSQL alike."""
    return {f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"}
