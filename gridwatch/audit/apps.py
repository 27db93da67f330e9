from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "gridwatch.audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from . import periodic  # noqa: F401  (registers the job that seals the anonymous counts)
