"""Load the four-circles checklist (R5) from its reference file. Safe to run again: a version of the file's
number, or a newer one (county staff's edits), is left as it is."""

from django.core.management.base import BaseCommand

from gridwatch.supervision.checklist import REFERENCE_FILE, current_version, load_reference
from gridwatch.supervision.models import ChecklistItem, ChecklistVersion


class Command(BaseCommand):
    help = "Create the four-circles checklist from its reference file when it is not there yet."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(REFERENCE_FILE), help="reference JSON file (default: v1)")

    def handle(self, *args, file, **options):
        version = load_reference(ChecklistVersion, ChecklistItem, path=file)
        if version is not None:
            self.stdout.write(f"Checklist v{version.number} loaded: {version.items.count()} items.")
        else:
            current = current_version()
            self.stdout.write(f"Checklist already there (current: v{current.number}); nothing changed.")
