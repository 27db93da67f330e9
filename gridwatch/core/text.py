"""Chinese text helpers: pinyin for search (full and initials), prefix ranges that use an index."""

from pypinyin import lazy_pinyin

# Surnames whose reading differs from the character's everyday one, which pypinyin gives: 曾桂 is Zeng Gui,
# not Ceng Gui, so "zeng" or "zg" must find him. Compound surnames first.
SURNAME_READINGS = {
    "万俟": ["mo", "qi"],
    "尉迟": ["yu", "chi"],
    "长孙": ["zhang", "sun"],
    "曾": ["zeng"],
    "单": ["shan"],
    "仇": ["qiu"],
    "解": ["xie"],
    "查": ["zha"],
    "朴": ["piao"],
    "区": ["ou"],
    "盖": ["ge"],
    "乐": ["yue"],
    "缪": ["miao"],
    "翟": ["zhai"],
    "覃": ["qin"],
    "召": ["shao"],
    "秘": ["bi"],
    "员": ["yun"],
    "尉": ["yu"],
    "繁": ["po"],
    "种": ["chong"],
    "能": ["nai"],
    "句": ["gou"],
    "褚": ["chu"],
    "柏": ["bai"],
    "薄": ["bo"],
    "贲": ["ben"],
}


def _name_syllables(name: str) -> list[str]:
    """The syllables of a person's name (surname first), the surname read as a surname."""
    name = name.strip()
    for length in (2, 1):
        surname = name[:length]
        if len(surname) == length and surname in SURNAME_READINGS:
            return SURNAME_READINGS[surname] + lazy_pinyin(name[length:], errors="ignore")
    return lazy_pinyin(name, errors="ignore")


def pinyin_full(name: str) -> str:
    """A person's name in toneless pinyin, for search and order: 曾桂 → zenggui."""
    return "".join(_name_syllables(name)).lower()


def pinyin_initials(name: str) -> str:
    """The initials of a person's name: 曾桂 → zg."""
    return "".join(syllable[:1] for syllable in _name_syllables(name)).lower()


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
