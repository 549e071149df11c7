from django.urls import path

from mace.assessments import views

app_name = "assessments"

urlpatterns = [
    path("children/<int:child_id>/", views.child_assessments, name="child"),
    path("children/<int:child_id>/start/", views.start, name="start"),
    path("children/<int:child_id>/<int:assessment_id>/", views.detail, name="detail"),
    path("children/<int:child_id>/<int:assessment_id>/edit/", views.edit, name="edit"),
    path("children/<int:child_id>/<int:assessment_id>/sign-off/", views.sign_off, name="sign_off"),
]
