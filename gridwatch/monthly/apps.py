from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonthlyConfig(AppConfig):
    name = "gridwatch.monthly"
    verbose_name = _("Monthly information reports")

    def ready(self):
        from . import reminders  # noqa: F401  (registers the monthly report reminders job)
