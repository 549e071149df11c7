"""`mace seed_demo --scale tiny|county|large|national --seed N [--access-events N]`: load the
synthetic demo data set (large and national a chunk of children at a time), then its synthetic
access events a batch at a time; an interrupted load goes on when run again."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.demo import access_events, plan, seed
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
            help=(
                "tiny: 60 children; county: 4,000 (the demo); large: 200,000 (benchmarking); "
                "national: 1,000,000 (default: tiny)"
            ),
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="the date the synthetic dates count back from, YYYY-MM-DD (default: today)",
        )

        parser.add_argument(
            "--chunk-size",
            type=int,
            default=plan.CHUNK_SIZE,
            help=(
                f"children written in each transaction (default: {plan.CHUNK_SIZE:,}); a load "
                "that goes on keeps the size it started with"
            ),
        )
        parser.add_argument(
            "--chunks",
            type=int,
            default=None,
            help=(
                "write at most this many chunks (of children, then of access events), then stop "
                "(run again to go on)"
            ),
        )
        parser.add_argument(
            "--access-events",
            type=int,
            default=None,
            metavar="N",
            help=(
                "synthetic reads of the children's records to add to the access log, "
                f"{access_events.BATCH:,} a transaction (default for each scale: "
                + ", ".join(f"{scale} {n:,}" for scale, n in access_events.PLANNED.items())
                + "); 0 writes none. A load that goes on keeps the number it started with"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["access_events"] is not None and options["access_events"] < 0:
            raise CommandError("--access-events must be 0 or more.")
        if envbool("MACE_PRODUCTION", False):
            raise CommandError("Demo data is never loaded where MACE_PRODUCTION is set.")
        started = time.monotonic()
        try:
            result = seed.seed(
                scale=options["scale"],
                seed=options["seed"],
                today=options["today"],
                chunk_size=options["chunk_size"],
                chunks=options["chunks"],
                events=options["access_events"],
                report=self.stdout.write if options["verbosity"] > 1 else None,
            )
        except seed.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        if result.status == "loaded":
            seconds = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"{result.message} ({seconds:.1f}s)"))
            self.stdout.write("Run `uv run mace demo_accounts` to see the demo accounts.")
        elif result.status == "partly_loaded":
            seconds = time.monotonic() - started
            self.stdout.write(f"{result.message} ({seconds:.1f}s)")
        elif result.status == "already_loaded":
            self.stdout.write(result.message)
        else:
            self.stdout.write(self.style.WARNING(result.message))
