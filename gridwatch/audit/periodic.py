"""The audit's periodic job: seal the anonymous counts of the days that are over into the chain."""

from django.utils import timezone

from gridwatch.core.periodic import periodic_job

from .services import tallies_seal


@periodic_job("audit_seal_tallies")
def seal_tallies(now):
    return tallies_seal(today=timezone.localdate(now))
