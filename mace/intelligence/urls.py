from django.urls import path  # noqa: F401

app_name = "intelligence"

urlpatterns: list = []  # type: ignore[type-arg]
