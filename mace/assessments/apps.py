from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "mace.assessments"
    label = "assessments"
    verbose_name = "Risk and vulnerabilities assessments"

    def ready(self) -> None:
        from mace.assessments.drafts import register

        register()
