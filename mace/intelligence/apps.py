from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "mace.intelligence"
    label = "intelligence"
