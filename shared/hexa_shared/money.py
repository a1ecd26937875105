"""Money and ratios as exact decimals: ``"1500.00"`` on the wire, ``Decimal`` inside, never floats."""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_MONEY = Decimal("1000000000000")  # 1e12: far above any budget, well inside DynamoDB's 38 digits


def parse_money(value: object, *, allow_zero: bool = True) -> Decimal:
    """A JSON string or integer (``"1500.00"``, ``"1500"``, ``1500``) with at most two decimals.

    Floats are refused: ``0.1 + 0.2`` is how money goes wrong. Raises ``ValueError`` with a message
    fit for an API error detail."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError('must be a decimal string such as "1500.00"')
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError('must be a decimal string such as "1500.00"') from None
    if not amount.is_finite():
        raise ValueError("must be a finite amount")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("at most two decimal places")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValueError("must be greater than zero" if not allow_zero else "must not be negative")
    if amount > MAX_MONEY:
        raise ValueError("amount too large")
    return amount.quantize(CENT)


def money(amount: Decimal) -> str:
    return str(amount.quantize(CENT, rounding=ROUND_HALF_EVEN))


def ratio(numerator: Decimal, denominator: Decimal, places: str = "0.0001") -> str | None:
    """``numerator / denominator`` to 4 places, or ``None`` when it is undefined (denominator 0)."""
    if denominator == 0:
        return None
    return str((numerator / denominator).quantize(Decimal(places), rounding=ROUND_HALF_EVEN))
