from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mace.demo"
    label = "demo"
