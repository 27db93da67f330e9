"""Pagination whose cost does not grow with the table: the count stops at a cap ("1000+"), yet every row can
be paged to.

A list of at most ``COUNT_CAP`` rows is a plain Django paginator: exact count, "page 3 of 7", a page number
past the end gives the last page. A longer list is not counted (a county's case list holds 100,000 reports,
the audit log more): the count query stops at ``COUNT_CAP + 1`` rows, and then

- any page number ≥ 1 is accepted; one that is not an integer, or is below 1, gives page 1;
- a page is read with one query of ``per_page + 1`` rows at its offset: the extra row, never shown, tells
  whether there is a next page, so ``has_next`` needs no count; ``has_previous`` is ``number > 1``;
- ``num_pages`` is ``None`` (unknown: the pages are not counted), ``count`` stays the capped ``COUNT_CAP + 1``
  and ``count_label`` says "1000+"; the pager shows "page 45, more than 1000 results", never a total;
- a page past the end (an old bookmark, a number typed into the address) comes back with no row. Only in
  that rare case are the rows counted exactly, once, and the real last page is read instead, as Django's
  ``get_page`` does for a short list: every list page keeps working without a changed template, and the
  cost of that one request, two more queries, stays of the order of the offset read that found nothing
  (which had already walked the whole list). A number whose offset the database could not hold goes
  straight to the count.

So an ordinary page costs the same two queries (the capped count, the page) whether it is the first or the
4,000th. ``orphans`` do not apply to an uncounted list (no caller passes them).
"""

from math import ceil

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000

# Past this offset no table of ours has a row, and SQLite and PostgreSQL want OFFSET in a signed 64-bit integer.
MAX_OFFSET = 2**62


class CappedPage(Page):
    """A page of an uncounted list: whether it has a next page was read with it, not worked out from a count."""

    def __init__(self, object_list, number, paginator, *, more):
        super().__init__(object_list, number, paginator)
        self.more = more

    def __repr__(self):
        return f"<Page {self.number} of more than {self.paginator.count_cap}>"

    def has_next(self):
        return self.more

    def next_page_number(self):
        if not self.more:
            raise EmptyPage(self.paginator.error_messages["no_results"])
        return self.number + 1

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        # What the rare exact count reads: the queryset as given, whose plan suits a count, even after
        # ``paginate`` has swapped in ``wide`` to read the pages from.
        self.counted_list = object_list

    @cached_property
    def count_cap(self):
        # Read at call time, so that tests may lower it; fixed for the life of the paginator.
        return COUNT_CAP

    @cached_property
    def count(self):
        # Without the ORDER BY: the database stops after COUNT_CAP + 1 matches instead of sorting them all.
        return self.object_list.order_by()[: self.count_cap + 1].count()

    @property
    def count_is_capped(self):
        return self.count > self.count_cap

    @property
    def count_label(self):
        return f"{self.count_cap}+" if self.count_is_capped else str(self.count)

    @cached_property
    def num_pages(self):
        """The number of pages, or ``None`` when the count is capped: nobody knows it without a full count."""
        return None if self.count_is_capped else super().num_pages

    def validate_number(self, number):
        if not self.count_is_capped:
            return super().validate_number(number)
        # Django's checks, less the one against a last page that is not known.
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        if not self.count_is_capped:
            return super().page(number)
        number = self.validate_number(number)
        page = self._read(number)
        if number > 1 and not page.object_list:
            raise EmptyPage(self.error_messages["no_results"])
        return page

    def get_page(self, number):
        """A page that exists, whatever ``number`` is (see the module's docstring)."""
        if not self.count_is_capped:
            return super().get_page(number)
        try:
            number = self.validate_number(number)
        except (PageNotAnInteger, EmptyPage):
            number = 1
        page = self._read(number)
        if number > 1 and not page.object_list:
            page = self._read(self._last_page_number())
        return page

    def _read(self, number):
        """Page ``number`` of an uncounted list, in one query of ``per_page + 1`` rows (none if the offset is
        out of any table's reach)."""
        offset = (number - 1) * self.per_page
        rows = list(self.object_list[offset : offset + self.per_page + 1]) if offset <= MAX_OFFSET else []
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def _last_page_number(self):
        """The one exact count, for a page asked for past the end."""
        return max(1, ceil(self.counted_list.order_by().count() / self.per_page))


def paginate(request, queryset, per_page, *, wide=None):
    """One page of ``queryset``, numbered by ``?page=``. ``wide``, the same rows written for a large result,
    is what the page is read from when the count reaches the cap (``cases.selectors.reports_for``)."""
    paginator = CappedPaginator(queryset, per_page)
    if wide is not None and paginator.count_is_capped:
        paginator.object_list = wide
    return paginator.get_page(request.GET.get("page"))
