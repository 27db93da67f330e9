"""Create the demo county (长顺县, synthetic people) once; on later runs only print the logins."""

import time

from django.core.management.base import BaseCommand, CommandError

from gridwatch.core.demo import DEMO_PASSWORD, DemoRefused, format_logins, seed


class Command(BaseCommand):
    help = "Fill an empty database with the demo county and print every demo login (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="size of the cadre registry relative to the full demo (tests use less)",
        )

    def handle(self, *args, scale, **options):
        started = time.monotonic()
        try:
            result = seed(scale=scale, out=lambda message: self.stdout.write(f"  {message}"))
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        if result.created:
            counts = result.counts
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo county created in {time.monotonic() - started:.1f} s: {counts['grids']} grids, "
                    f"{counts['units']} units, {counts['cadres']} cadres, {counts['users']} users."
                )
            )
        else:
            self.stdout.write("The demo county is already in place; nothing was created.")
        self.stdout.write("")
        self.stdout.write(
            f"Demo logins (every demo account, grid teams included, has the password {DEMO_PASSWORD}):"
        )
        self.stdout.write(format_logins())
        self.stdout.write(
            "Staff with a TOTP secret sign in with a second factor: add the secret to an "
            "authenticator app, or run: oathtool --totp -b SECRET"
        )
