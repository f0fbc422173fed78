"""The ARR bridge's checks and its explanation at the edges.

The bridge is the demo's: the sample book (samples/contracts.json) with the seed deal's C-1
(version 2) and its renewal C-2, over 2027-07-01 .. 2028-06-30. Opening 136,500.00; new
13,680 (Adatum); expansion 9,738.00 (Contoso 7,938.00 + Northwind 1,800); reactivation 1,350
(Litware); contraction 3,600.00 (Tailspin 10,500.00 → 6,900.00); churn 7,800 (Fabrikam);
closing 136,500 + 13,680 + 9,738 + 1,350 − 3,600 − 7,800 = 149,868.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest

from revcycle import errors
from revcycle.cli._demo._seed import BRIDGE_YEAR, seed_story
from revcycle.metrics import ArrBridge, ArrMovement, arr_bridge
from revcycle.money import Money


def _bridge() -> ArrBridge:
    return arr_bridge(seed_story().book, BRIDGE_YEAR)


def test_the_demo_bridge_adds_up() -> None:
    bridge = _bridge()
    assert (bridge.opening, bridge.closing) == (Money("136500", "USD"), Money("149868", "USD"))
    moved = bridge.opening + bridge.new + bridge.expansion + bridge.reactivation
    assert moved - bridge.contraction - bridge.churn == bridge.closing


def test_explain_lists_the_largest_movements_and_counts_the_rest() -> None:
    text = _bridge().explain(accounts=2)
    # |13,680| and |7,938| are the two largest changes; Fabrikam's −7,800 is the third.
    assert text.splitlines()[-3:] == [
        "  Adatum: new +13680.00 USD (0.00 USD → 13680.00 USD)",
        "  Contoso Pharmaceuticals: expansion +7938.00 USD (113400.00 USD → 121338.00 USD)",
        "  … and 4 more",
    ]
    # NRR (136,500 + 9,738 − 3,600 − 7,800) / 136,500 = 98.78 %; GRR 125,100 / 136,500 = 91.65 %.
    assert "Net revenue retention 98.8%, gross 91.6%" in text


def test_a_bridge_without_opening_arr_has_no_retention() -> None:
    zero = Money("0", "USD")
    empty = ArrBridge(zero, zero, zero, zero, zero, zero, zero, period=BRIDGE_YEAR)
    text = empty.explain()
    assert text.splitlines()[-1] == "Net and gross revenue retention: — (no opening ARR)"
    assert "Account movements" not in text


def test_the_bridge_checks_what_it_is_given() -> None:
    bridge = _bridge()
    with pytest.raises(errors.RevcycleTypeError, match="period must be a Period"):
        attrs.evolve(bridge, period=date(2027, 7, 1))  # type: ignore[arg-type]
    with pytest.raises(errors.CurrencyMismatchError, match="new is in EUR, opening in USD"):
        attrs.evolve(bridge, new=Money("13680", "EUR"))
    first = bridge.accounts[0]
    in_euros = attrs.evolve(
        first,
        opening=Money(first.opening.amount, "EUR"),
        closing=Money(first.closing.amount, "EUR"),
    )
    with pytest.raises(errors.CurrencyMismatchError, match="Adatum's ARR is in EUR"):
        attrs.evolve(bridge, accounts=(in_euros, *bridge.accounts[1:]))
    with pytest.raises(errors.ValidationError, match="lists each account once"):
        attrs.evolve(bridge, accounts=(*bridge.accounts, first))


def test_account_finds_a_row_or_names_the_days() -> None:
    bridge = _bridge()
    tailspin = bridge.account("Tailspin Toys")
    assert tailspin.movement is ArrMovement.CONTRACTION
    assert tailspin.change.amount == Decimal("-3600.00")
    with pytest.raises(errors.UnknownCodeError, match="no ARR on 2027-06-30 nor on 2028-06-30"):
        bridge.account("Nobody")
