"""Pagination whose cost does not grow with the table: the count stops at a cap ("1000+")."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    @cached_property
    def count(self):
        # Without the ORDER BY: the database stops after COUNT_CAP + 1 matches instead of sorting them all.
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def count_is_capped(self):
        return self.count > COUNT_CAP

    @property
    def count_label(self):
        return f"{COUNT_CAP}+" if self.count_is_capped else str(self.count)


def paginate(request, queryset, per_page, *, wide=None):
    """One page of ``queryset``. ``wide``, the same rows written for a large result, is what the page is
    read from when the count reaches the cap (``cases.selectors.reports_for``)."""
    paginator = CappedPaginator(queryset, per_page)
    if wide is not None and paginator.count_is_capped:
        paginator.object_list = wide
    return paginator.get_page(request.GET.get("page"))
