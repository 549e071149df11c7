from django.apps import AppConfig


class DisruptionConfig(AppConfig):
    name = "mace.disruption"
    label = "disruption"
