"""Reads of the cadre registry. Each starts from ``for_user`` and costs a fixed number of queries."""

import re

from django.db.models import Q

from gridwatch.core.text import prefix_range

from .models import Cadre, CadreFileEntry, Unit

ASCII = re.compile(r"^[A-Za-z]+$")


def cadre_search_q(q):
    """Chinese names by prefix (surname, full name); pinyin by initials (``zhw``) or full (``zhangwei``)."""
    q = q.strip()
    if not q:
        return Q()
    if ASCII.match(q):
        q = q.lower()
        return Q(**prefix_range("name_initials", q)) | Q(**prefix_range("name_pinyin", q))
    return Q(**prefix_range("name", q))


def cadre_list(*, user, q="", unit=None, area_path=None, status=None, rank=None):
    qs = Cadre.objects.for_user(user).filter(cadre_search_q(q))
    if unit:
        qs = qs.filter(unit_id=unit)
    if area_path:
        qs = qs.filter(supervising_path__startswith=area_path)
    if status:
        qs = qs.filter(status=status)
    if rank:
        qs = qs.filter(rank=rank)
    return qs.select_related("unit", "supervising_grid__parent").order_by("name_pinyin", "id")


def cadre_timeline(*, user, cadre):
    return CadreFileEntry.objects.for_user(user).filter(cadre=cadre).select_related("recorded_by").order_by("-at", "-id")


def unit_list(*, user, q=""):
    qs = Unit.objects.for_user(user).select_related("area", "head")
    if q:
        qs = qs.filter(name__contains=q)
    return qs.order_by("name")
