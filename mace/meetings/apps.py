from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "mace.meetings"
    label = "meetings"
