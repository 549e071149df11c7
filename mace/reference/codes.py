"""Looking up national code lists held as reference data."""

from __future__ import annotations

from mace.reference.models import Code


def code_choices(list_name: str) -> list[tuple[str, str]]:
    return [
        (code, label)
        for code, label in Code.objects.filter(list=list_name, active=True).values_list(
            "code", "label"
        )
    ]


def code_error(list_name: str, value: str) -> str | None:
    if Code.objects.filter(list=list_name, code=value, active=True).exists():
        return None
    return f"{value!r} is not a code in the {list_name.replace('_', ' ')} list"


def code_label(list_name: str, value: str, default: str = "Not recorded") -> str:
    """The label of one code (a child's sex, say), or `default` when there is none."""
    label = Code.objects.filter(list=list_name, code=value).values_list("label", flat=True).first()
    return label or default
