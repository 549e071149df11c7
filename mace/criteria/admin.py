from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mace.criteria.models import Criterion


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    """The partnership switches criteria on or off and sets their windows; the lists follow at
    the next refresh (saving here refreshes them at once)."""

    list_display = ["code", "active", "days"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from mace.criteria.services import eligibility_refresh

        super().save_model(request, obj, form, change)
        eligibility_refresh()
