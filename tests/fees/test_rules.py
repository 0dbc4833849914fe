"""The fee quote of SPEC §6, every reason with every answer that matters."""

import pytest

from fees import rules

CARD, CERTS = ("card", 800), ("certificates", 200)


@pytest.mark.parametrize(
    "reason, returned, certificates, noto, lines, rule",
    [
        # R-F1: free whatever else is said.
        ("first_issue", True, True, False, [], "R-F1"),
        ("first_issue", False, False, True, [], "R-F1"),
        ("card_full", True, True, False, [], "R-F1"),
        ("card_full", False, True, False, [], "R-F1"),
        ("certificate_only", True, True, False, [], "R-F1"),
        ("certificate_only", False, True, False, [], "R-F1"),
        ("renewal", True, True, False, [], "R-F1"),
        ("renewal", True, False, False, [], "R-F1"),
        # R-F2: loss (theft too), damage, own fault.
        ("lost", True, True, False, [CARD, CERTS], "R-F2"),
        ("lost", False, True, False, [CARD, CERTS], "R-F2"),
        ("lost", True, False, False, [CARD], "R-F2"),
        ("damaged", True, True, False, [CARD, CERTS], "R-F2"),
        ("damaged", True, False, False, [CARD], "R-F2"),
        ("invalidated_own_fault", True, True, False, [CARD, CERTS], "R-F2"),
        ("invalidated_own_fault", False, False, False, [CARD], "R-F2"),
        # R-F3: not the holder's fault, or renewal: free only with the old card back.
        ("invalidated_not_own_fault", True, True, False, [], "R-F3"),
        ("invalidated_not_own_fault", False, True, False, [CARD, CERTS], "R-F3"),
        ("invalidated_not_own_fault", False, False, False, [CARD], "R-F3"),
        ("renewal", False, True, False, [CARD, CERTS], "R-F3"),
        ("renewal", False, False, False, [CARD], "R-F3"),
        # R-F4: the Noto Peninsula earthquake waives the charge.
        ("lost", True, True, True, [], "R-F4"),
        ("lost", False, False, True, [], "R-F4"),
        ("damaged", True, True, True, [], "R-F4"),
        ("invalidated_own_fault", True, True, True, [], "R-F4"),
        ("renewal", False, True, True, [], "R-F4"),
        ("invalidated_not_own_fault", False, True, True, [], "R-F4"),
        # Free anyway: the rule that made it free, not R-F4.
        ("renewal", True, True, True, [], "R-F1"),
        ("invalidated_not_own_fault", True, True, True, [], "R-F3"),
    ],
)
def test_quote(reason, returned, certificates, noto, lines, rule):
    quote = rules.quote(reason, old_card_returned=returned, with_certificates=certificates, noto_earthquake=noto)
    assert [(line.item, line.amount) for line in quote.lines] == lines
    assert quote.total == sum(amount for _item, amount in lines)
    assert quote.rule == rule


def test_defaults_are_old_card_returned_with_certificates_no_earthquake():
    assert rules.quote("lost").total == 1000
    assert rules.quote("renewal").total == 0


def test_amounts_come_from_one_place():
    assert rules.FEES == {"card": 800, "certificates": 200}


def test_unknown_reason_is_refused():
    with pytest.raises(ValueError):
        rules.quote("stolen")
