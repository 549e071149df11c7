from django.apps import AppConfig


class CriteriaConfig(AppConfig):
    name = "mace.criteria"
    label = "criteria"
