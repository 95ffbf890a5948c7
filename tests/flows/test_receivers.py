"""Who receives a submission: linked accounts, else e-mail when configured, else nobody (and the operator hears)."""

from __future__ import annotations

from flows.receivers import receivers, unreached_stadsdelen
from storage import Database, StaffRepository


async def test_order_of_receivers(db: Database, content) -> None:
    staff = StaffRepository(db)
    await staff.add(900, "gebiedsverbinder", "noord", "Test Noord")
    await staff.add(901, "staff", None, "Communicatie")  # city-wide staff receive no submissions
    noord = await receivers(content, staff, "noord", email=True)
    assert [m.user_id for m in noord.staff] == [900] and noord.email is None
    oost = await receivers(content, staff, "oost", email=True)
    assert oost.staff == () and oost.email == "rkant@haarlem.nl"
    assert (await receivers(content, staff, "oost", email=False)).nobody


async def test_unreached_stadsdelen_for_the_start_warning(db: Database, content) -> None:
    staff = StaffRepository(db)
    await staff.add(900, "gebiedsverbinder", "noord")
    assert await unreached_stadsdelen(content, staff, email=False) == ["centrum", "oost", "schalkwijk", "zuidwest"]
    assert await unreached_stadsdelen(content, staff, email=True) == []
