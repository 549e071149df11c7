from django.urls import path

from mace.criteria import views

app_name = "criteria"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:quadrant>/", views.quadrant_list, name="quadrant_list"),
]
