from django.urls import path

from mace.missing import views

app_name = "missing"

urlpatterns = [
    path("children/<int:child_id>/", views.child_episodes, name="child_episodes"),
    path("children/<int:child_id>/new/", views.episode_record, name="episode_record"),
    path(
        "children/<int:child_id>/episodes/<int:episode_id>/",
        views.episode_detail,
        name="episode_detail",
    ),
    path(
        "children/<int:child_id>/episodes/<int:episode_id>/edit/",
        views.episode_edit,
        name="episode_edit",
    ),
    path(
        "children/<int:child_id>/episodes/<int:episode_id>/close/",
        views.episode_close,
        name="episode_close",
    ),
    path(
        "children/<int:child_id>/episodes/<int:episode_id>/regrade/",
        views.episode_regrade,
        name="episode_regrade",
    ),
    path(
        "children/<int:child_id>/episodes/<int:episode_id>/interview/",
        views.interview_edit,
        name="interview",
    ),
    path("import/", views.import_csv, name="import"),
    path("export/903/", views.export_903, name="export_903"),
]
