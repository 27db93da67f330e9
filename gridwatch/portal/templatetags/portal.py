from django import template
from django.utils.html import format_html

from gridwatch.geography.models import Area, Level

from ..markup import render_markdown

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_county(context):
    """The county (its name and supervision phone) for the portal's header and footer, read once a
    request; ``None`` where the installation holds several counties."""
    request = context.get("request")
    if request is not None and hasattr(request, "_portal_county"):
        return request._portal_county
    counties = list(Area.objects.filter(level=Level.COUNTY).only("name", "code", "supervision_phone")[:2])
    county = counties[0] if len(counties) == 1 else None  # a province's portal names no county
    if request is not None:
        request._portal_county = county
    return county


@register.filter
def markdown(text):
    """Markdown written by county staff, rendered and sanitised (``portal.markup``)."""
    return render_markdown(text)


@register.filter
def within(path, prefix):
    """Whether ``path`` is ``prefix`` or below it: the portal's navigation marks its current section."""
    return bool(prefix) and str(path).startswith(str(prefix))


@register.simple_tag
def tel(phone):
    """A phone number as a tap-to-call link."""
    if not phone:
        return ""
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    return format_html('<a class="tel" href="tel:{}">{}</a>', digits, phone)
