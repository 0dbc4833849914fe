"""Eligibility endpoints of API.md: identity documents, proxy reasons, checklist, card validity, move-in."""

from ninja import Router

router = Router(tags=["eligibility"])
