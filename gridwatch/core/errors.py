"""Domain errors: services raise them with translatable messages; views show them to the user."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the action. ``message`` is shown to the user as it is."""

    default_message = _("The action could not be completed.")

    def __init__(self, message=None, *, field=None):
        self.message = message or self.default_message
        self.field = field
        super().__init__(str(self.message))


class NotPermitted(DomainError):
    default_message = _("You do not have permission to do this.")


class ValidationFailed(DomainError):
    default_message = _("The data is not valid.")
