from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info

from gridwatch.geography.selectors import request_counties

from ..markup import render_markdown

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_county(context):
    """The county (its name and supervision phone) for the portal's header and footer; ``None`` where the
    installation holds several counties (a province's portal names no county)."""
    counties = request_counties(context.get("request"))
    return counties[0] if len(counties) == 1 else None


@register.simple_tag(takes_context=True)
def portal_languages(context):
    """The languages a visitor can switch to from this page (all but the current one) with their links; the
    layout reads it once for the header and the footer."""
    request = context.get("request")
    base = reverse("portal:language")
    path = request.get_full_path() if request is not None else "/"
    links = [
        {
            "name": get_language_info(code)["name_local"],
            "lang": "zh-CN" if code == "zh-hans" else code,
            "href": f"{base}?{urlencode({'lang': code, 'next': path})}",
        }
        for code, _name in settings.LANGUAGES
        if code != get_language()
    ]
    return links


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
