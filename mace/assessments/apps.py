from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "mace.assessments"
    label = "assessments"
