"""Who may do what, decided in one place.

Three kinds of people talk to the assistant:
- a resident (anyone not in the staff table);
- a gebiedsverbinder: linked staff of exactly one stadsdeel; handles that stadsdeel's submissions and
  may manage consultation windows and broadcasts that stay within that stadsdeel;
- city-wide staff (role 'staff', communications and policy): may manage every window and broadcast,
  but handle no submissions (that is the gebiedsverbinder's work).

Every staff command, button and typed staff answer asks here, every time: button data proves
nothing, and a staff link can be removed between two presses.
"""

from __future__ import annotations

from collections.abc import Iterable

from flows.context import Context
from storage import StaffMember, Submission


async def staff_member(ctx: Context) -> StaffMember | None:
    """The person's staff account, read from the database (never from button data)."""
    return await ctx.services.staff.get(ctx.user_id)


def may_handle(member: StaffMember | None, submission: Submission | None) -> bool:
    """Set a status or answer a resident: the gebiedsverbinder of the stadsdeel handling it."""
    return (member is not None and submission is not None and member.role == "gebiedsverbinder"
            and member.stadsdeel == submission.handled_by)


def may_manage(member: StaffMember | None, stadsdelen: Iterable[str]) -> bool:
    """Manage a window or broadcast that reaches ``stadsdelen`` (empty: the whole city).

    City-wide staff may manage all; a gebiedsverbinder only what stays within their own stadsdeel.
    """
    if member is None:
        return False
    if member.city_wide:
        return True
    areas = set(stadsdelen)
    return bool(areas) and areas == {member.stadsdeel}


def is_staff(member: StaffMember | None) -> bool:
    return member is not None
