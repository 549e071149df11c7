from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "mace.reference"
    label = "reference"

    def ready(self) -> None:
        from mace.core.conflicts import conflict_normaliser_register
        from mace.reference.models import normalise_postcode

        # A postcode typed differently but the same once normalised is no conflict.
        conflict_normaliser_register("postcode", normalise_postcode)
