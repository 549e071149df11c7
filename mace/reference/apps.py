from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "mace.reference"
    label = "reference"
