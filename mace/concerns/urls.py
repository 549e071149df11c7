from django.urls import path

from mace.concerns import views

app_name = "concerns"

urlpatterns = [
    path("new/<int:child_id>/", views.record, name="record"),
]
