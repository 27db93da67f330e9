from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gridwatch.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import periodic, signals  # noqa: F401
