from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mace.accounts"
    label = "accounts"
