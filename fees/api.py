"""The fee quote of API.md (SPEC §6)."""

from ninja import Router

router = Router(tags=["fees"])
