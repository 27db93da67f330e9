import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from gridwatch.core.periodic import JOBS


class Command(BaseCommand):
    help = "Run GridWatch's periodic jobs once (idempotent: safe to run from cron every few minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", default=[], help="Run only the named job(s).")
        parser.add_argument(
            "--loop",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, every SECONDS seconds (a scheduler without cron).",
        )

    def handle(self, *args, only, loop, **options):
        while True:
            now = timezone.now()
            for name, job in sorted(JOBS.items()):
                if only and name not in only:
                    continue
                done = job(now)
                self.stdout.write(f"{name}: {done}")
            if not loop:
                return
            time.sleep(loop)
