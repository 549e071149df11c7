from django.urls import path

from mace.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
