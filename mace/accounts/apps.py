from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mace.accounts"
    label = "accounts"

    def ready(self) -> None:
        from mace.accounts import signals  # noqa: F401  (connects the security audit)
