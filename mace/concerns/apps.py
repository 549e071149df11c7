from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "mace.concerns"
    label = "concerns"
