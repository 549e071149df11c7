"""/disruption/: the list, recording one, a disruption's page, changing it and adding evidence."""

from __future__ import annotations

from django.urls import path

from mace.disruption import views

app_name = "disruption"

urlpatterns = [
    path("", views.disruption_list, name="list"),
    path("new/", views.disruption_create, name="create"),
    path("<int:disruption_id>/", views.disruption_detail, name="detail"),
    path("<int:disruption_id>/edit/", views.disruption_edit, name="edit"),
    path("<int:disruption_id>/evidence/new/", views.evidence_add, name="evidence_add"),
]
