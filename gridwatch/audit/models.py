from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One append-only, hash-chained event. Rows are never updated or deleted by the application;
    database triggers refuse UPDATE and DELETE, and ``audit_verify`` proves the chain is whole."""

    seq = models.BigIntegerField(_("sequence"), primary_key=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    @property
    def action_label(self):
        from .labels import action_label

        return action_label(self.action)

    @property
    def object_note(self):
        """Why the event shows no object (it has no ``object_label``)."""
        from .labels import object_note

        return object_note(self.action)


class AuditHead(models.Model):
    """The chain's head: one row, locked by each writer, so concurrent writers make one chain and a
    cut tail is noticed (the head remembers the last sequence number and hash)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")]

    def __str__(self):
        return f"head #{self.seq}"


class AnonymousTally(models.Model):
    """What anonymous reporters did on one day, counted instead of logged one by one (SECURITY.md item 1).

    An event of its own per report sent through the mailbox (or per reply sent with a receipt code) would
    carry the exact time, and its place in the chain, among the staff's timed events, would give that time
    back even with the clock taken off: the n-th such event of a day is the n-th report stored that day.
    So the action only adds one to the day's count, in the transaction of the write; once the day is over
    ``audit.services.tallies_seal`` writes each day's counts into the chain as one event, and the row keeps
    the sequence number of that event. Counts of today can still change; sealed counts cannot (``sealed``).
    """

    day = models.DateField(_("day"))
    action = models.CharField(_("action"), max_length=64)
    count = models.PositiveIntegerField(_("count"), default=0)
    sealed_seq = models.BigIntegerField(_("sealed in event"), null=True, blank=True)

    class Meta:
        verbose_name = _("anonymous actions of a day")
        verbose_name_plural = _("anonymous actions of a day")
        constraints = [models.UniqueConstraint(fields=["day", "action"], name="audit_tally_day_action")]
        indexes = [models.Index(fields=["sealed_seq", "day"], name="audit_tally_unsealed_idx")]

    def __str__(self):
        return f"{self.day} {self.action} × {self.count}"
