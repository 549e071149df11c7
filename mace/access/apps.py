from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "mace.access"
    label = "access"

    def ready(self) -> None:
        from mace.access import (
            changes,  # noqa: F401  (connects the change log)
            receivers,  # noqa: F401  (records what core announces)
        )
