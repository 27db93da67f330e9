from django import template

register = template.Library()


@register.filter
def percent(value):
    """0.8234 → "82.3%"; nothing → "—"."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def count_of(counts, option):
    return (counts or {}).get(option, 0)


@register.filter
def checked(posted, name):
    return posted.get(name, "") if posted else ""
