"""Template filters for areas."""

from django import template

register = template.Library()


@register.filter
def place(area, levels=2):
    """``{{ grid|place }}`` → 和平社区第1网格 (community and grid, the community's name left out where the
    grid's repeats it); ``{{ grid|place:3 }}`` starts at the township (``Area.place``)."""
    if not area:
        return ""
    return area.place(int(levels))
