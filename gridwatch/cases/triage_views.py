"""Scaffold: filled in by the work on this part of issue 3."""


def detail_context(request, report):
    """What this part adds to the staff case page's context."""
    return {}


urlpatterns = []
