"""Pages for break-glass access and for the audit."""

from __future__ import annotations

from django.urls import path

from mace.access import views

app_name = "access"

urlpatterns = [
    # Break-glass: request emergency access, give it up, and the managers' review.
    path("break-glass/new/", views.break_glass_new, name="break_glass_new"),
    path("break-glass/", views.break_glass_list, name="break_glass_list"),
    path("break-glass/<int:grant_id>/", views.break_glass_review, name="break_glass_review"),
    path("break-glass/<int:grant_id>/end/", views.break_glass_end, name="break_glass_end"),
    # Audit: who has seen or changed a child's record; everything a user has seen.
    path("audit/", views.audit_start, name="audit_start"),
    path("audit/children/<int:child_id>/", views.audit_child, name="audit_child"),
    path("audit/users/<int:user_id>/", views.audit_user, name="audit_user"),
]
