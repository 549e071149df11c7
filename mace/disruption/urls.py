from django.urls import path  # noqa: F401

app_name = "disruption"

urlpatterns: list = []  # type: ignore[type-arg]
