"""/intelligence/: the start page, then for each kind of record (persons, locations, vehicles,
phones, accounts) its list, a new record, a record's page, its edit page and adding a link;
and adding a link from a child's page. URL names are per kind ("intelligence:vehicle_detail"),
so a record's URL is reversed from its kind alone."""

from __future__ import annotations

from django.urls import URLPattern, path

from mace.intelligence import views
from mace.intelligence.kinds import KINDS

app_name = "intelligence"


def _kind_patterns() -> list[URLPattern]:
    patterns = []
    for kind, info in KINDS.items():
        extra = {"kind": kind}
        patterns += [
            path(f"{info.slug}/", views.record_list, extra, name=f"{kind}_list"),
            path(f"{info.slug}/new/", views.record_create, extra, name=f"{kind}_create"),
            path(f"{info.slug}/<int:pk>/", views.record_detail, extra, name=f"{kind}_detail"),
            path(f"{info.slug}/<int:pk>/edit/", views.record_edit, extra, name=f"{kind}_edit"),
            path(f"{info.slug}/<int:pk>/link/", views.link_add, extra, name=f"{kind}_link_add"),
        ]
    return patterns


urlpatterns = [
    path("", views.index, name="index"),
    *_kind_patterns(),
    path("children/<int:child_id>/link/", views.child_link_add, name="child_link_add"),
]
