"""Where a report goes (R16): the grid that supervises the subject cadre, never the subject's own unit,
and one level up when a whole level is conflicted (回避)."""

from .models import RoutedBecause


def route(*, subject_cadre, grid, fallback_path, fallback_because):
    """``(supervising_path, routed_because)`` for a report about ``subject_cadre`` (or a named person not in
    the registry) filed from ``grid``; ``fallback_path`` when neither gives a place."""
    if subject_cadre is not None:
        return subject_cadre.supervising_path, RoutedBecause.SUBJECT_GRID
    if grid is not None:
        return grid.path, RoutedBecause.FILED_GRID
    return fallback_path, fallback_because
