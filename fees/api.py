"""The fee quote of API.md (SPEC §6)."""


from ninja import Router, Schema

from portal.api_errors import error_response, json_body

from . import rules
from .forms import parse_quote_payload

router = Router(tags=["fees"])


class QuoteIn(Schema):
    reason: str | None = None
    old_card_returned: bool | None = None
    with_certificates: bool | None = None
    noto_earthquake: bool | None = None


class LineOut(Schema):
    item: str
    amount: int


class QuoteOut(Schema):
    total: int
    lines: list[LineOut]
    rule: str


class FeeErrorsOut(Schema):
    errors: dict[str, list[str]]


def quote_json(quote):
    return {
        "total": quote.total,
        "lines": [{"item": line.item, "amount": line.amount} for line in quote.lines if line.amount],
        "rule": quote.rule,
    }


@router.post(
    "/quote",
    response={200: QuoteOut, 422: FeeErrorsOut},
    summary="What a new card or certificates cost (R-F1 … R-F4)",
)
def quote(request, payload: QuoteIn):
    kwargs, errors = parse_quote_payload(json_body(request))
    if errors:
        return error_response(request, errors)
    return quote_json(rules.quote(kwargs.pop("reason"), **kwargs))
