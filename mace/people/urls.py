from django.urls import path

from mace.people import views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<int:child_id>/", views.detail, name="detail"),
    path("<int:child_id>/edit/", views.child_edit, name="child_edit"),
    path("<int:child_id>/notes/new/", views.note_add, name="note_add"),
    path("<int:child_id>/identifiers/new/", views.identifier_add, name="identifier_add"),
    path("<int:child_id>/addresses/new/", views.address_add, name="address_add"),
    path(
        "<int:child_id>/addresses/<int:address_id>/place/",
        views.address_place,
        name="address_place",
    ),
    path(
        "<int:child_id>/addresses/<int:address_id>/edit/",
        views.address_edit,
        name="address_edit",
    ),
    path(
        "<int:child_id>/addresses/<int:address_id>/end/",
        views.address_end,
        name="address_end",
    ),
    path(
        "<int:child_id>/chronology/<int:entry_id>/amend/",
        views.entry_amend,
        name="entry_amend",
    ),
]
