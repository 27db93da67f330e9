"""Load the reference geography (official statistical division codes). Safe to run again."""

from django.core.management.base import BaseCommand

from gridwatch.geography.reference import DEFAULT_FILE, load_reference


class Command(BaseCommand):
    help = "Create or update the county's townships, communities and villages from a reference file."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_FILE), help="reference JSON file (default: 长顺县)")

    def handle(self, *args, file, **options):
        result = load_reference(actor=None, path=file)
        verbosity = options.get("verbosity", 1)
        for area in result.created:
            if verbosity > 1:
                self.stdout.write(f"created {area.code} {area.name}")
        for area in result.updated:
            self.stdout.write(f"updated {area.code} {area.name}")
        for area in result.conflicts:
            self.stderr.write(
                f"differs from the reference (kind, level or parent; not changed): {area.code} {area.name}"
            )
        self.stdout.write(
            f"Areas: {len(result.created)} created, {len(result.updated)} updated, {result.unchanged} unchanged."
        )
