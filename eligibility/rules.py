"""
What to bring (R-E6, R-E8). Pure: plain values in, plain values out.

The booking's checklist is built from what the booking knows (who comes);
items that depend on what the resident holds are listed with "if you have
one" notes.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    note: str = ""


def booking_checklist(attendance):
    """Return the ChecklistItems for a booking whose party comes as ``attendance`` (R-E8, R-E4, R-E6)."""
    items = [
        ChecklistItem(
            "issuance_notice",
            _("The issuance notice (交付通知書)"),
            _("The postcard you received. For a proxy pickup, with the applicant's declaration filled in.")
            if attendance == "proxy"
            else _("The postcard you received."),
        ),
        ChecklistItem(
            "notification_card",
            _("Notification card (通知カード) or individual number notice"),
            _("If you have one. The notification card is collected at the counter."),
        ),
        ChecklistItem(
            "resident_register_card",
            _("Basic Resident Register card (住基カード)"),
            _("If you have one. It is collected at the counter."),
        ),
        ChecklistItem(
            "applicant_id",
            _("The applicant's identity documents (originals)"),
            _("Two documents for a proxy pickup: two photo IDs, a photo ID and another ID, or three IDs of which one has a photo.")
            if attendance == "proxy"
            else _("One photo ID (driving licence, passport, …) or two other IDs (health insurance card, pension book, …)."),
        ),
        ChecklistItem(
            "old_card",
            _("Your old My Number Card"),
            _("Only when you are replacing a card. Without it the new card is charged (card 800 yen, certificates 200 yen)."),
        ),
    ]
    if attendance == "with_legal_representative":
        items += [
            ChecklistItem(
                "legal_representative_id",
                _("The legal representative's own identity document (original)"),
            ),
            ChecklistItem(
                "family_register_copy",
                _("A family register copy (戸籍謄本) showing the relationship"),
                _("Not needed when the applicant's registered domicile is in Niigata City and the relationship can be confirmed, or when the applicant is under 15 and in the same household with the relationship on the resident record."),
            ),
        ]
    if attendance == "proxy":
        items += [
            ChecklistItem(
                "proxy_id",
                _("The proxy's own identity documents (originals)"),
                _("Two photo IDs, or one photo ID and one other ID."),
            ),
            ChecklistItem(
                "proxy_evidence",
                _("Documents that show why the applicant cannot come"),
                _("The evidence for the proxy reason (medical certificate, etc.)."),
            ),
        ]
    return items


def proxy_reason_titles():
    """Return {number: title} of the 11 reasons a proxy may pick up the card (R-E5)."""
    return {
        1: _("Illness, physical or other disability"),
        2: _("Adult ward (成年被後見人)"),
        3: _("Person under curatorship or assistance (被保佐人・被補助人)"),
        4: _("Pre-school, elementary or junior high school child"),
        5: _("High-school or technical college student"),
        6: _("Aged 75 or over"),
        7: _("Long-term hospital stay, facility resident, or certified as needing care or support"),
        8: _("Pregnancy"),
        9: _("Work that makes coming objectively hard (long business trips, seafarers)"),
        10: _("Studying abroad"),
        11: _("Prolonged social withdrawal (ひきこもり)"),
    }
