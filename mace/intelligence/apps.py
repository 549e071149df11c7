from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "mace.intelligence"
    label = "intelligence"
    verbose_name = "Persons of concern, locations, vehicles, phones and online accounts"

    def ready(self) -> None:
        from mace.core.drafts import draft_form_register
        from mace.intelligence.drafts import link_draft_rule
        from mace.intelligence.origins import register_builtin_origins

        register_builtin_origins()
        draft_form_register("link", link_draft_rule)
