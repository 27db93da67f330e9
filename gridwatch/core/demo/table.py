"""The demo logins as a plain-text table (what seed_demo prints) or a Markdown table (for the README)."""

import unicodedata

from django.utils import translation

from .generator import DEMO_PASSWORD, logins


def _width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))


def _rows():
    from gridwatch.accounts.roles import Role

    with translation.override("en"):
        return [
            (
                f"{login.role_zh} / {Role(login.role).label}",
                login.username,
                DEMO_PASSWORD,
                secret,
                login.where,
            )
            for login, secret in logins()
        ]


def format_logins(markdown=False):
    rows = _rows()
    header = ("Role", "Username", "Password", "TOTP secret (base32)", "Where")
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += [
            "| " + " | ".join(f"`{c}`" if i in (1, 2, 3) and c else c for i, c in enumerate(row)) + " |"
            for row in rows
        ]
        return "\n".join(lines)
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(str(c), w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(str(c), w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)
