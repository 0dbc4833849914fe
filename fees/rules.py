"""
The fee quote of SPEC §6 (手数料, R-F1 … R-F4). Pure: plain values in, a
frozen ``Quote`` out; no ORM, no settings read at import time.
"""

from dataclasses import dataclass

# Reissue fees in yen, per person (SPEC R-F2; the city's page, "マイナンバーカードの交付手数料":
# 再交付手数料は1名あたり1,000円 — 個人番号カードが800円、電子証明書が200円).
FEES = {"card": 800, "certificates": 200}

FIRST_ISSUE = "first_issue"
RENEWAL = "renewal"
LOST = "lost"  # also theft
DAMAGED = "damaged"
INVALIDATED_OWN_FAULT = "invalidated_own_fault"
INVALIDATED_NOT_OWN_FAULT = "invalidated_not_own_fault"
CARD_FULL = "card_full"
CERTIFICATE_ONLY = "certificate_only"

REASONS = (
    FIRST_ISSUE,
    RENEWAL,
    LOST,
    DAMAGED,
    INVALIDATED_OWN_FAULT,
    INVALIDATED_NOT_OWN_FAULT,
    CARD_FULL,
    CERTIFICATE_ONLY,
)

# R-F1: always free, whatever happens to the old card.
FREE = (FIRST_ISSUE, CARD_FULL, CERTIFICATE_ONLY)
# R-F2: charged, the holder's loss or fault.
CHARGED = (LOST, DAMAGED, INVALIDATED_OWN_FAULT)
# R-F3: free only when the old card is handed back at pickup.
FREE_WITH_OLD_CARD = {RENEWAL: "R-F1", INVALIDATED_NOT_OWN_FAULT: "R-F3"}


@dataclass(frozen=True)
class Line:
    item: str  # "card" | "certificates"
    amount: int


@dataclass(frozen=True)
class Quote:
    lines: tuple[Line, ...]
    rule: str  # the SPEC rule that decided: "R-F1" … "R-F4"

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def _reissue_lines(with_certificates: bool) -> tuple[Line, ...]:
    lines = [Line("card", FEES["card"])]
    if with_certificates:
        lines.append(Line("certificates", FEES["certificates"]))
    return tuple(lines)


def quote(
    reason: str, *, old_card_returned: bool = True, with_certificates: bool = True, noto_earthquake: bool = False
) -> Quote:
    """
    Return the Quote for a card (re)issue (SPEC §6).

    R-F1 first issue, a full extra-notes field and certificates alone are free;
    renewal is free when the old card is handed back. R-F2 loss (theft too),
    damage and invalidation by the holder's own fault cost 800 for the card
    plus 200 when certificates are issued. R-F3 invalidation not by the
    holder's fault is free when the old card is handed back; without it, and
    for a renewal without it, R-F2's amounts apply. R-F4 a card lost or
    damaged in the 2024 Noto Peninsula earthquake, with a disaster victim
    certificate (罹災証明書), is reissued free: it waives any charge.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    if reason in FREE:
        return Quote((), "R-F1")
    if reason in FREE_WITH_OLD_CARD:
        if old_card_returned:
            return Quote((), FREE_WITH_OLD_CARD[reason])
        charged_rule = "R-F3"
    else:
        charged_rule = "R-F2"
    if noto_earthquake:
        return Quote((), "R-F4")
    return Quote(_reissue_lines(with_certificates), charged_rule)


def fee_amounts() -> dict[str, str]:
    """
    Return the reissue fees of ``FEES`` as prose writes them, with thousands
    separators: ``card``, ``certificates`` and their ``total`` (R-F2), for
    ``%(card)s``-style placeholders in translated text.
    """
    amounts = {**FEES, "total": FEES["card"] + FEES["certificates"]}
    return {name: f"{amount:,}" for name, amount in amounts.items()}
