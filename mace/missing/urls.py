from django.urls import path  # noqa: F401

app_name = "missing"

urlpatterns: list = []  # type: ignore[type-arg]
