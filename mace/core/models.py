"""Platform-level records that belong to no domain app."""

from __future__ import annotations

from django.db import models


class DemoDataSet(models.Model):
    """The synthetic demo data set loaded into this database (by `mace seed_demo`). Kept in the
    database, not in a file, so every app server and a re-run on another machine agree on what
    is loaded, and a second run neither fails nor duplicates anything."""

    scale = models.CharField(max_length=20)
    seed = models.IntegerField()
    reference_date = models.DateField(help_text="The 'today' the synthetic dates were built from.")
    loaded_at = models.DateTimeField(auto_now_add=True)
    children = models.PositiveIntegerField(default=0)
    concerns = models.PositiveIntegerField(default=0)
    users = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["loaded_at"]

    def __str__(self) -> str:
        return f"{self.scale} (seed {self.seed})"
