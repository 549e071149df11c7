from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """Each person's home page ("My work"): the project's composition of every app's panel. It
    has no models; core stays the base every app builds on, and this app builds on them all."""

    name = "mace.dashboard"
    label = "dashboard"
