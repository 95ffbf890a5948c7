"""Who really receives a resident's submission, and how; the resident's confirmation says exactly this.

For the stadsdeel that handles it (routing decides), in this order:
1. the gebiedsverbinders linked to the assistant in Telegram (the staff table): they get it in the chat;
2. else, when e-mail is configured (SMTP), the stadsdeel's address in gebiedsverbinders.yaml: an e-mail
   through the outbox, written in the same transaction as the submission (so exactly once);
3. else nobody yet: it is stored, and seen when a gebiedsverbinder is linked (it is in their first digest
   and in /open). The operator is warned about such stadsdelen at start.
"""

from __future__ import annotations

from dataclasses import dataclass

from content.model import Content
from storage import StaffMember, StaffRepository


@dataclass(frozen=True)
class Receivers:
    stadsdeel: str
    staff: tuple[StaffMember, ...]  # linked Telegram accounts
    email: str | None  # the stadsdeel's address, when nobody is linked and e-mail is on

    @property
    def nobody(self) -> bool:
        return not self.staff and self.email is None


async def receivers(content: Content, staff: StaffRepository, stadsdeel: str, *, email: bool) -> Receivers:
    linked = tuple(await staff.for_stadsdeel(stadsdeel))
    person = content.gebiedsverbinders.get(stadsdeel)
    address = person.email if email and not linked and person is not None and person.email else None
    return Receivers(stadsdeel, linked, address)


async def unreached_stadsdelen(content: Content, staff: StaffRepository, *, email: bool) -> list[str]:
    """The stadsdelen whose submissions nobody receives (no linked account, no e-mail)."""
    result = []
    for stadsdeel in content.stadsdelen:
        if (await receivers(content, staff, stadsdeel, email=email)).nobody:
            result.append(stadsdeel)
    return result
