"""What the concerns API accepts and answers. Input and output schemas are separate: the input
carries only what a practitioner may set, the output what a reader of the record may see."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from mace.core.schemas import EventDate, LongText, ShortText
from mace.people.restricted import withheld

# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


class IndicatorSeenIn(Schema):
    """One indicator seen. Values are checked by the service (concern_record), so the messages a
    client gets are the same ones the page shows; only the shape is checked here."""

    indicator: ShortText = Field(description="The indicator's code, e.g. multiple-phones")
    seen_on: EventDate | None = Field(None, description="When it was seen (today or earlier)")
    source: ShortText = Field(
        "",
        description=(
            "How you came to know: observed, child, parent, professional, records, peer, anonymous"
        ),
    )
    note: LongText = ""


class RouteToIn(Schema):
    route: ShortText = Field(description="Where the concern is sent: csc, police or care")
    target_date: EventDate | None = Field(None, description="When that service should respond by")


RESTRICTED_HELP = "Only your agency and the MACE chairs of the child's quadrant read it"
RESTRICTION_REASON_HELP = "Why, when restricted: disclosure, sexual_health, third_party or other"


class ConcernIn(Schema):
    narrative: LongText = Field("", description="What you saw or were told")
    indicators: list[IndicatorSeenIn] = Field(default_factory=list)
    routes: list[RouteToIn] = Field(default_factory=list)
    restricted: bool = Field(False, description=RESTRICTED_HELP)
    restriction_reason: LongText = Field("", description=RESTRICTION_REASON_HELP)


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


class ConcernIndicatorOut(Schema):
    code: str
    label: str
    group: str
    seen_on: date
    source: str
    source_label: str
    note: str

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.indicator.code)

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.indicator.label)

    @staticmethod
    def resolve_group(obj: Any) -> str:
        return str(obj.indicator.group)

    @staticmethod
    def resolve_source_label(obj: Any) -> str:
        return str(obj.get_source_display())


class ConcernRouteOut(Schema):
    route: str
    label: str
    target_date: date

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.get_route_display())


class DefinitionOut(Schema):
    title: str
    version: str


class ConcernOut(Schema):
    """A concern. A restricted concern the reader may not read shows only that it exists, when,
    its agency and whom to ask (`withheld`); its narrative, author, indicators and routes are
    withheld."""

    id: int
    child_id: int
    child_reference: str
    author: str
    agency: str
    definition: DefinitionOut | None
    narrative: str
    recorded_at: datetime
    indicators: list[ConcernIndicatorOut]
    routes: list[ConcernRouteOut]
    restricted: bool = Field(
        description="Read only by the author's agency and the MACE chairs of the child's quadrant"
    )
    restriction_reason: str
    withheld: bool = Field(description="You may not read this restricted concern")
    ask: str = Field(description="Whom to ask about a withheld concern")

    @staticmethod
    def resolve_withheld(obj: Any) -> bool:
        return withheld(obj)

    @staticmethod
    def resolve_ask(obj: Any) -> str:
        return str(getattr(obj, "ask", "")) if withheld(obj) else ""

    @staticmethod
    def resolve_child_reference(obj: Any) -> str:
        return str(obj.child.reference)

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return "" if withheld(obj) else str(obj.author.display_name)

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency.name)

    @staticmethod
    def resolve_narrative(obj: Any) -> str:
        return "" if withheld(obj) else str(obj.narrative)

    @staticmethod
    def resolve_indicators(obj: Any) -> list[Any]:
        return [] if withheld(obj) else list(obj.indicators.all())

    @staticmethod
    def resolve_routes(obj: Any) -> list[Any]:
        return [] if withheld(obj) else list(obj.routes.all())
