"""Tags of the staff layout (``templates/base.html``)."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe

register = template.Library()


@register.filter
def with_site_name(title, site):
    """``<page title> · <site name>``, or the site name alone when the page's title came out empty: the
    layout filters its ``title`` block through this, so no page shows a stray separator."""
    text = str(title).strip()
    if isinstance(title, SafeData):  # the rendered block, escaped already
        text = mark_safe(text)
    return format_html("{} · {}", text, site) if text else conditional_escape(site)


@register.filter
def active_filters(filters):
    """How many of a list page's ``filters`` (the view's cleaned values) are set, the search text ``q``
    apart: the number on the "Filters" button that folds them away on phones
    (``includes/filter_toggle.html``)."""
    return sum(1 for key, value in filters.items() if key != "q" and value not in (None, "", False))
