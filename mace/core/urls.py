"""Core's own routes: opening a notification and the drafts' endpoints. The project's urls.py
wires every app's routes, the home page (mace.dashboard) included."""

from django.urls import path

from mace.core import draft_views, views

app_name = "core"

urlpatterns = [
    path("notifications/<int:pk>/", views.notification, name="notification_open"),
    path("drafts/<str:key>/", draft_views.save, name="draft_save"),
    path("drafts/<str:key>/discard/", draft_views.discard, name="draft_discard"),
]
