"""Grid supervision records: the sentiment diary (民情日记, R14). Supervision cards, the register and
inspections (R5, R10, R11, R22) join this app later."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridwatch.cases.models import Circle, Report
from gridwatch.core.crypto import EncryptedTextField
from gridwatch.core.models import PublicModel
from gridwatch.core.scoping import Jurisdiction, ScopedManager
from gridwatch.geography.models import Area
from gridwatch.people.models import Cadre


class DiaryEntry(PublicModel):
    """A grid group's visit and what they heard (R14), optionally about a cadre of the grid. What residents
    said and who said it are encrypted; an entry can be turned into a case (a report of the supervisor
    channel)."""

    grid = models.ForeignKey(
        Area,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="diary_entries",
        limit_choices_to={"level": "grid"},
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("visited on"), db_index=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    people_met = EncryptedTextField(_("whom we talked to"), blank=True)
    heard = EncryptedTextField(_("what we heard"))
    circle = models.CharField(_("circle"), max_length=16, choices=Circle.choices, blank=True)
    cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("about the cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="diary_entries",
    )
    report = models.OneToOneField(
        Report,
        verbose_name=_("turned into the case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="diary_entry",
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="grid__path")

    class Meta:
        ordering = ["-visited_on", "-created_at"]
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        indexes = [models.Index(fields=["grid", "-visited_on"], name="diary_grid_visited_idx")]

    def __str__(self):
        return f"{self.grid} · {self.visited_on}"
