from django.contrib import admin
from django.urls import include, path, re_path

from mace.api import api, not_found

urlpatterns = [
    path("admin/", admin.site.urls),
    # The API authenticates itself (session or token) and answers 401, never a redirect.
    path("api/v1/", api.urls),
    # Any other path under /api/ answers the API's JSON 404, not the site's page.
    re_path(r"^api/", not_found, name="api_not_found"),
    path("", include("mace.accounts.urls")),
    path("", include("mace.dashboard.urls")),
    path("", include("mace.core.urls")),
    path("children/", include("mace.people.urls")),
    path("concerns/", include("mace.concerns.urls")),
    path("access/", include("mace.access.urls")),
    path("assessments/", include("mace.assessments.urls")),
    path("missing/", include("mace.missing.urls")),
    path("intelligence/", include("mace.intelligence.urls")),
    path("mace/", include("mace.criteria.urls")),
    path("meetings/", include("mace.meetings.urls")),
    path("disruption/", include("mace.disruption.urls")),
    path("referrals/", include("mace.referrals.urls")),
]

# The service's own error pages (JSON under /api/); never Django's debug pages.
handler400 = "mace.core.error_pages.bad_request"
handler403 = "mace.core.error_pages.permission_denied"
handler404 = "mace.core.error_pages.page_not_found"
handler500 = "mace.core.error_pages.server_error"
