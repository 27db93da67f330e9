from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormalWarningsConfig(AppConfig):
    # Not "warnings": that would shadow Python's module of the same name (ARCHITECTURE.md).
    name = "gridwatch.formal_warnings"
    label = "formal_warnings"
    verbose_name = _("Warning notices")

    def ready(self):
        from . import case_panel, reminders  # noqa: F401  (the case page's panel; the follow-up reminders job)
