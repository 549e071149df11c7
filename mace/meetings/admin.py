"""Each quadrant's MACE meeting cadence in the admin: system administrators change how often
part 1 and part 2 meet, the weekday and week of the month, the times and the place (with
history). `schedule_meetings` follows the change for months not yet in the diary."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mace.meetings.models import MeetingCadence


@admin.register(MeetingCadence)
class MeetingCadenceAdmin(SimpleHistoryAdmin):
    list_display = [
        "quadrant",
        "part_1_every_months",
        "part_2_every_months",
        "weekday",
        "week_of_month",
        "part_1_time",
        "part_2_time",
        "place",
    ]
    list_select_related = ["quadrant"]
