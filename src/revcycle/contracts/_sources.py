"""Where a new contract's payment terms and meters come from: the quote, the caller, or the
contract it renews — never a silent default.

Used by :meth:`revcycle.contracts.Contract.from_quote`.
"""

from __future__ import annotations

from collections.abc import Mapping

from revcycle.errors import RevcycleTypeError, ValidationError, shown
from revcycle.terms import PaymentTerms
from revcycle.usage import Meter


def payment_terms_of(
    quoted: object, given: PaymentTerms | str | None, renewed: PaymentTerms | None, cid: str
) -> PaymentTerms:
    """Contract ``cid``'s payment terms: the quote's (``quoted``, text or terms) or the
    caller's (``given``), which must agree, else those of the contract renewed; none is
    refused."""
    found = [
        (source, terms if isinstance(terms, PaymentTerms) else _parse_terms(terms, source))
        for source, terms in (("the quote", quoted), ("the payment_terms argument", given))
        if terms is not None
    ]
    if len(found) == 2 and found[0][1] != found[1][1]:
        raise ValidationError(
            f"Contract {shown(cid)} has two payment terms that disagree: "
            f"{shown(found[0][1].describe())} on the quote and {shown(found[1][1].describe())} "
            "given; pass the quote's or none."
        )
    if found:
        return found[0][1]
    if renewed is not None:
        return renewed
    raise ValidationError(
        f"Contract {shown(cid)} needs payment terms: the quote has none and none were given. Pass "
        'payment_terms= (a PaymentTerms or text such as "Net 60"); revcycle never assumes '
        "Net 30."
    )


def _parse_terms(text: object, source: str) -> PaymentTerms:
    if not isinstance(text, str):
        raise RevcycleTypeError(
            f"Payment terms from {source} must be a PaymentTerms or text, not {shown(text)}."
        )
    return PaymentTerms.parse(text)


def meters_of(
    given: Mapping[str, Meter] | None,
    renewed: Mapping[str, Meter] | None,
    usage: list[str],
    cid: str,
) -> Mapping[str, Meter]:
    """Contract ``cid``'s meter per usage SKU: ``given`` (each for a SKU of the ``usage``
    lines), else those of the contract renewed that it still meters."""
    if given is None:
        if renewed is None:
            return {}
        return {sku: meter for sku, meter in renewed.items() if sku in usage}
    if not isinstance(given, Mapping):
        raise RevcycleTypeError(f"meters must map a usage sku to its Meter, not {shown(given)}.")
    for sku, meter in given.items():
        if not isinstance(meter, Meter):
            raise RevcycleTypeError(
                f"The meter of {shown(sku)} must be a Meter, not {shown(meter)}."
            )
        if sku not in usage:
            raise ValidationError(
                f"Contract {shown(cid)} has a meter for {shown(sku)}, which is not a usage line "
                f"of the quote (its usage lines: {shown(tuple(usage)) if usage else 'none'})."
            )
    return given
