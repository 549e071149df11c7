"""The minutes of a meeting as a PDF (WeasyPrint): before sign-off, the agenda pack or the draft
minutes, marked as such; after, the signed-off minutes with every amendment. Each download is an
export of case data, logged with the children it names."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from mace.access.audit import export_record
from mace.access.choices import AccessChannel
from mace.access.services import children_listed
from mace.meetings import selectors

STYLESHEET = Path(__file__).with_name("minutes.css")

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.meetings.models import Meeting


def minutes_html(*, pack: selectors.Pack, user: User) -> str:
    meeting = pack.meeting
    return render_to_string(
        "meetings/minutes_pdf.html",
        {
            "meeting": meeting,
            "pack": pack,
            "items": pack.rows(),
            "printed_at": timezone.now(),
            "printed_by": user,
        },
    )


def minutes_pdf(
    *, user: User, meeting: Meeting, request: HttpRequest | None = None
) -> tuple[bytes, str]:
    """(PDF bytes, file name) of a meeting the user may read (the caller checked)."""
    from weasyprint import CSS, HTML

    pack = selectors.meeting_pack(meeting)
    children = pack.children()
    what = "MACE minutes" if meeting.signed_off else "MACE agenda pack"
    content = HTML(string=minutes_html(pack=pack, user=user)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )
    export_record(
        user=user,
        what=f"{what}: {meeting}",
        reason="Meeting member's copy of the pack or minutes",
        format="pdf",
        row_count=len(children),
        child_ids=[c.pk for c in children],
        parameters={"meeting": meeting.pk},
    )
    children_listed(
        user=user,
        children=children,
        channel=AccessChannel.PAGE,
        path=request.path if request is not None else "",
    )
    kind = "minutes" if meeting.signed_off else "pack"
    filename = (
        f"mace-{meeting.quadrant.code}-part{meeting.part}-{meeting.starts_at:%Y-%m-%d}-{kind}.pdf"
    )
    return content or b"", filename
