"""Password policy beyond Django's validators (SECURITY.md item 5): three character classes, and no
passwords made of the county's place names."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PLACE_WORDS = {
    "changshun",
    "guangshun",
    "changzhai",
    "weiyuan",
    "baisuo",
    "daihua",
    "baiyunshan",
    "guyang",
    "duncao",
    "qiannan",
    "guizhou",
    "guiyang",
    "长顺",
    "广顺",
    "长寨",
    "威远",
    "摆所",
    "代化",
    "白云山",
    "鼓扬",
    "敦操",
    "黔南",
    "贵州",
    "gridwatch",
    "wangge",
    "jiwei",
}


class CharacterClassValidator:
    def validate(self, password, user=None):
        classes = sum(
            bool(re.search(pattern, password)) for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")
        )
        if classes < 3:
            raise ValidationError(
                _(
                    "The password must mix at least three of: lower-case letters, upper-case letters, digits, symbols."
                ),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("Mix at least three of: lower-case letters, upper-case letters, digits, symbols.")


class PlaceNameValidator:
    def validate(self, password, user=None):
        lowered = password.lower()
        if any(word in lowered for word in PLACE_WORDS):
            raise ValidationError(
                _("The password must not contain a place name or the system's name."),
                code="password_place_name",
            )

    def get_help_text(self):
        return _("Do not use place names or the system's name.")
