"""`mace seed_demo --scale tiny|county --seed N`: load the synthetic demo data set."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.demo import plan, seed
from mace.env import envbool


class Command(BaseCommand):
    help = (
        "Load the synthetic, obviously fictional demo data set: children across the county, "
        "concerns with indicators, and staff for every role. The same seed gives the same data. "
        "Safe to run again: a data set already loaded is not loaded twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=list(plan.SCALES),
            default="tiny",
            help="tiny: about 60 children; county: about 4,000 (default: tiny)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="the date the synthetic dates count back from, YYYY-MM-DD (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if envbool("MACE_PRODUCTION", False):
            raise CommandError("Demo data is never loaded where MACE_PRODUCTION is set.")
        started = time.monotonic()
        try:
            result = seed.seed(scale=options["scale"], seed=options["seed"], today=options["today"])
        except seed.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        if result.status == "loaded":
            seconds = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"{result.message} ({seconds:.1f}s)"))
            self.stdout.write("Run `uv run mace demo_accounts` to see the demo accounts.")
        elif result.status == "already_loaded":
            self.stdout.write(result.message)
        else:
            self.stdout.write(self.style.WARNING(result.message))
