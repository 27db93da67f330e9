from django.core.management.base import BaseCommand, CommandError

from gridwatch.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; name the first broken, missing or reordered event."

    def handle(self, *args, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(f"audit chain BROKEN after {result.checked} good events: {result.problem}")
        self.stdout.write(self.style.SUCCESS(f"audit chain OK: {result.checked} events verified"))
