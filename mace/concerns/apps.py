from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "mace.concerns"
    label = "concerns"

    def ready(self) -> None:
        from mace.concerns.drafts import register

        register()
