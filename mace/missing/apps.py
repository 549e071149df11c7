from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "mace.missing"
    label = "missing"
    verbose_name = "Missing episodes"

    def ready(self) -> None:
        from mace.core.drafts import draft_form_register
        from mace.missing.drafts import interview_draft_rule

        draft_form_register("interview", interview_draft_rule)
