"""Panels that the apps above ``cases`` add to the staff case page.

``cases`` may not import the apps built on it (``formal_warnings``, ``dashboard``, ...; docs/architecture.md),
yet a case's page should say what became of it there: a finding proposed for a warning notice was issued
one, or declined with a reason. Such an app registers a provider in its ``AppConfig.ready``; the case page
asks every provider once per rendering.

A provider is ``provider(request, report) -> dict | None``: ``None`` when it has nothing to say about this
report (decided without a query where it can), otherwise the context of its panel with the key
``template``, the template the case page includes with that dict as ``panel``. A provider costs a fixed
number of queries, and answers only what the request's user may read of it.
"""

_providers = []


def register(provider):
    """Add ``provider`` to the case page (once, however often it is registered). Usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(request, report):
    """The panels of ``report``'s page for ``request``, in the order their apps were registered."""
    return [panel for provider in _providers if (panel := provider(request, report)) is not None]
