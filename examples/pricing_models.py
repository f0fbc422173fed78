"""Price one usage quantity under every pricing model, then apply a volume discount schedule.

Run: python examples/pricing_models.py
"""

from __future__ import annotations

from decimal import Decimal

from revcycle.money import Money, Percent
from revcycle.pricing import (
    AnyPricingModel,
    Discount,
    DiscountSchedule,
    Flat,
    Graduated,
    Package,
    PerUnit,
    ScheduleKind,
    Stairstep,
    Tier,
    Volume,
)


def usd(text: str) -> Money:
    """An amount in US dollars."""
    return Money(text, "USD")


def main() -> None:
    """Compare the models on 12,500 API calls and explain the graduated price."""
    tiers = [
        Tier(Decimal("10000"), unit_price=usd("0.0010")),
        Tier(Decimal("50000"), unit_price=usd("0.0008")),
        Tier(None, unit_price=usd("0.0005")),
    ]
    models: dict[str, AnyPricingModel] = {
        "flat": Flat(usd("15")),
        "per unit": PerUnit(usd("0.0010")),
        "graduated": Graduated(tiers),
        "volume": Volume(tiers),
        "stairstep": Stairstep(
            [Tier(Decimal("10000"), flat_price=usd("9")), Tier(None, flat_price=usd("30"))]
        ),
        "package": Package(Decimal("5000"), usd("4"), free_units=Decimal("1000")),
    }
    quantity = Decimal("12500")
    print(f"{quantity} API calls:")
    for name, model in models.items():
        price = model.price(quantity)
        print(f"  {name:<10} {price.round().format():>8}  (exact {price})")

    print("\nWhy the graduated price is what it is:")
    for row in models["graduated"].breakdown(quantity):
        print(f"  {row.description:<34} {row.units:>6} × {row.unit_price} = {row.amount}")

    # Salesforce-style volume discounts: [1, 10) 0 %, [10, 50) 10 %, [50, ∞) 15 %.
    schedule = DiscountSchedule.from_bounds(
        ScheduleKind.SLAB,
        [(1, 10, None), (10, 50, Percent("10")), (50, None, Percent("15"))],
    )
    list_price = usd("120")
    seats = 60
    unit = schedule.unit_price(list_price, seats)
    print(f"\n{seats} seats at {list_price} list, slab discounts:")
    for drow in schedule.breakdown(list_price, seats):
        print(f"  {drow.description:<34} {drow.units:>3} seats at {drow.unit_price}")
    print(f"  blended unit price {unit.round()}, line total {(unit * seats).round()}")
    rep = Discount.percent("5").apply(unit, seats)
    print(f"  after the rep's extra 5 %: {rep.round()} per seat, {(rep * seats).round()} in all")


if __name__ == "__main__":
    main()
