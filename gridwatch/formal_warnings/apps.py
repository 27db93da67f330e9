from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormalWarningsConfig(AppConfig):
    # Not "warnings": that would shadow Python's module of the same name (ARCHITECTURE.md).
    name = "gridwatch.formal_warnings"
    label = "formal_warnings"
    verbose_name = _("Warning notices")

    def ready(self):
        # The case page's panel, the home page's items and the follow-up reminders job register themselves.
        from . import case_panel, home_items, reminders  # noqa: F401
