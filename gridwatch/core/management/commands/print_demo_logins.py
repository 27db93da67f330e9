"""Print the demo logins again (plain text, or Markdown for the README)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gridwatch.core.demo import demo_present, format_logins


class Command(BaseCommand):
    help = "Print the demo county's logins, passwords and TOTP secrets."

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="print a Markdown table")

    def handle(self, *args, markdown, **options):
        if settings.PRODUCTION:
            raise CommandError("There are no demo logins in production (GRIDWATCH_ENV=production).")
        if not demo_present():
            raise CommandError("The demo county is not in this database; run seed_demo first.")
        self.stdout.write(format_logins(markdown=markdown))
