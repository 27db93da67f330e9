import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PublicModel(TimeStampedModel):
    """A model whose rows appear in URLs: the key is random, never sequential (SECURITY.md item 6)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class JobMark(models.Model):
    """A periodic job's record that something was done once (a reminder sent, a report flagged), so that
    running the periodic jobs twice does nothing twice."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    done_at = models.DateTimeField(_("done at"), auto_now_add=True)

    class Meta:
        verbose_name = _("periodic job mark")
        verbose_name_plural = _("periodic job marks")

    def __str__(self):
        return self.key
