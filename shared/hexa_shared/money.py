"""Money and ratios as exact decimals: ``"1500.00"`` on the wire, ``Decimal`` inside, never floats."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal

from hexa_shared.formats import MONEY_PATTERN

CENT = Decimal("0.01")
MAX_MONEY = Decimal("1000000000000")  # 1e12: far above any budget, well inside DynamoDB's 38 digits
_MONEY, _DIGITS = re.compile(MONEY_PATTERN, re.ASCII), re.compile(r"\d+", re.ASCII)


def parse_money(value: object, *, allow_zero: bool = True) -> Decimal:
    """A JSON string or integer (``"1500.00"``, ``"1500"``, ``1500``) with at most two decimals.

    The grammar is strict: digits, an optional point and one or two decimals — no sign (amounts are
    never negative), no exponent (``"1E+1"``), no separators (``"1_000"``), no spaces. Floats are
    refused: ``0.1 + 0.2`` is how money goes wrong. Raises ``ValueError`` with a message fit for an
    API error detail."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError('must be a decimal string such as "1500.00"')
    text = str(value)
    if not _MONEY.fullmatch(text):
        whole, dot, cents = text.partition(".")
        digits = bool(_DIGITS.fullmatch(whole)) and (not dot or bool(_DIGITS.fullmatch(cents)))
        if digits and len(cents) > 2:
            raise ValueError("at most two decimal places")
        if digits and len(whole) > 13:
            raise ValueError("amount too large")
        raise ValueError('must be a decimal string such as "1500.00": digits, at most two decimals, no sign')
    amount = Decimal(text)
    if amount == 0 and not allow_zero:
        raise ValueError("must be greater than zero")
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
