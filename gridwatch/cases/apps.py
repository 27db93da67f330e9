from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gridwatch.cases"
    verbose_name = _("Reports and cases")

    def ready(self):
        from . import deadlines  # noqa: F401  (registers the deadline reminders job)
