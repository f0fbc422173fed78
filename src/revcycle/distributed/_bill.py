"""The bill run on Dask: contracts, issued invoices and usage events partitioned by account,
each partition billed by :func:`revcycle.billing.bill`.

An account's invoices depend on each other (its credit balance passes from invoice to invoice
in order of contract id) and on nothing outside the account, so a partition that holds every
contract, issued invoice and usage event of its accounts bills them exactly as one process
would. Each record goes to partition ``crc32(account) % n``; Dask's ``groupby`` moves it there.
Usage ids count once across the whole run (``billing.bill`` keeps an id's first occurrence
whatever its customer), so events are first shuffled by id and only first occurrences go on.

Private to :mod:`revcycle.distributed`; the face re-exports the public names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from operator import itemgetter
from typing import Any, Final

from revcycle.billing import BillRun, Invoice, TaxPolicy, TaxRate
from revcycle.billing import bill as _bill_here
from revcycle.contracts import Contract
from revcycle.distributed._dask import (
    ROW_BITS,
    arrow,
    as_bag,
    bags,
    compute,
    dask,
    is_frame,
    is_path,
    resolve_client,
    slot,
    tag_partitions,
)
from revcycle.distributed._tables import (
    check_rows,
    events,
    first_occurrences,
    normalised,
    orders,
    to_table,
)
from revcycle.errors import RevcycleTypeError, ValidationError, shown
from revcycle.money import Money
from revcycle.usage import UsageEvent


_CONTRACT: Final = 0
_ISSUED: Final = 1
_USAGE: Final = 2

# (partition, kind, (input partition, position), record): what the shuffle moves.
_Tagged = tuple[int, int, tuple[int, int], Any]


bill_partition: Final = _bill_here
"""The bill run of one partition: :func:`revcycle.billing.bill` itself, given every contract,
issued invoice and usage event of the partition's accounts (an account is never split), usage
in input order. A pure function; its ``.to_arrow()`` is the lines table another engine returns
(Spark's ``mapInArrow``)."""


# --------------------------------------------------------------------------------------------
# Tagging records with their partition and their place in the input


def _tag(part: Sequence[Any], number: int, kind: int, slots: int) -> list[_Tagged]:
    tagged: list[_Tagged] = []
    for position, record in enumerate(part):
        if kind == _CONTRACT:
            if not isinstance(record, Contract):
                raise RevcycleTypeError(
                    f"bill() contracts must hold Contract values, not {shown(record)}."
                )
            key = record.account
        elif kind == _ISSUED:
            if not isinstance(record, Invoice):
                raise RevcycleTypeError(
                    f"bill() issued must hold Invoice values, not {shown(record)}."
                )
            key = record.account
        else:
            if not isinstance(record, UsageEvent):
                raise RevcycleTypeError(f"usage must hold UsageEvent values, not {shown(record)}.")
            key = record.id  # first by id: every occurrence of an id meets in one partition
        tagged.append((slot(key, slots), kind, (number, position), record))
    return tagged


def _first_by_id(group: tuple[int, list[_Tagged]], slots: int) -> list[_Tagged]:
    """The first occurrence of every id of one id-partition, re-tagged by customer."""
    seen: set[str] = set()
    kept: list[_Tagged] = []
    for _, kind, order, event in sorted(group[1], key=itemgetter(2)):
        if event.id not in seen:
            seen.add(event.id)
            kept.append((slot(event.customer, slots), kind, order, event))
    return kept


def _first_rows(frame: Any, schema: Any, slots: int) -> list[_Tagged]:
    """The first occurrences of the ids of one id-partition of a usage table, as events
    tagged by customer (their order: partition, then row, of the table)."""
    table = to_table(frame, schema)
    check_rows(table)
    table = normalised(table).filter(first_occurrences(table))
    rows = [divmod(o, 1 << ROW_BITS) for o in orders(table)]
    return [
        (slot(event.customer, slots), _USAGE, (part, row), event)
        for (part, row), event in zip(rows, events(table), strict=True)
    ]


def _usage_bag(usage: Any, slots: int) -> Any:
    """First occurrences of the run's usage, tagged by customer."""
    if is_path(usage) or is_frame(usage):
        from revcycle.distributed._usage import numbered_frame

        frame, schema = numbered_frame(usage)
        by_id = frame.shuffle("id", npartitions=frame.npartitions, shuffle_method="tasks")
        delayed = dask().delayed
        parts = [delayed(_first_rows)(part, schema, slots) for part in by_id.to_delayed()]
        return bags().from_delayed(parts)
    tagged = tag_partitions(as_bag(usage, "usage"), _tag, _USAGE, slots)
    grouped = tagged.groupby(itemgetter(0), npartitions=tagged.npartitions, shuffle="tasks")
    return grouped.map(_first_by_id, slots).flatten()


# --------------------------------------------------------------------------------------------
# One partition, and the run put back together


_Late = list[tuple[str, tuple[UsageEvent, ...]]]


def _bill_group(
    group: tuple[int, list[_Tagged]],
    through: date,
    invoice_date: date | None,
    tax: TaxRate | TaxPolicy | None,
) -> tuple[BillRun, _Late]:
    records = sorted(group[1], key=itemgetter(1, 2))
    contracts = [r[3] for r in records if r[1] == _CONTRACT]
    issued = [r[3] for r in records if r[1] == _ISSUED]
    usage = [r[3] for r in records if r[1] == _USAGE]
    options: dict[str, Any] = {"through": through, "invoice_date": invoice_date, "tax": tax}
    run = bill_partition(contracts, issued=issued, usage=usage, **options)
    return run, _late_by_contract(run, contracts, issued, usage, through)


def _late_by_contract(
    run: BillRun,
    contracts: list[Contract],
    issued: list[Invoice],
    usage: list[UsageEvent],
    through: date,
) -> _Late:
    """The run's late usage by contract: ``BillRun.late_usage`` lists it contract by contract
    in order of contract id, which interleaves partitions. An account with one contract owns
    its late events; one with several is asked contract by contract (late usage depends only
    on the contract, its issued lines and the events)."""
    if not run.late_usage:
        return []
    counts = Counter(c.account for c in contracts)
    late: _Late = []
    for contract in sorted(contracts, key=lambda c: c.id):
        account = contract.account
        if counts[account] == 1:
            found = tuple(e for e in run.late_usage if e.customer == account)
        else:
            alone = _bill_here(
                [contract],
                through=through,
                issued=[i for i in issued if i.contract_id == contract.id],
                usage=[e for e in usage if e.customer == account],
            )
            found = alone.late_usage
        if found:
            late.append((contract.id, found))
    return late


def _merge(parts: Iterable[tuple[BillRun, _Late]]) -> BillRun:
    invoices: list[Invoice] = []
    balances: dict[str, Money] = {}
    late: _Late = []
    for run, late_part in parts:
        invoices.extend(run.invoices)
        balances.update(run.credit_balances)
        late.extend(late_part)
    invoices.sort(key=lambda invoice: invoice.contract_id)
    late.sort(key=itemgetter(0))
    return BillRun(
        invoices=invoices,
        credit_balances=dict(sorted(balances.items())),
        late_usage=[event for _, events in late for event in events],
    )


def bill(
    contracts: Iterable[Contract] | Any,
    *,
    through: date,
    issued: Iterable[Invoice] | Any = (),
    usage: Iterable[UsageEvent] | Any = None,
    invoice_date: date | None = None,
    tax: TaxRate | TaxPolicy | None = None,
    client: object = None,
) -> BillRun:
    """:func:`revcycle.billing.bill` on Dask: the same :class:`~revcycle.billing.BillRun`.

    ``contracts`` is a Dask bag or a sequence of :class:`~revcycle.contracts.Contract` (split
    into partitions of about 1,000); ``issued`` a bag or a sequence of invoices; ``usage``
    ``None``, a bag or a sequence of :class:`~revcycle.usage.UsageEvent`, a Parquet path or a
    Dask dataframe of events (the columns of :func:`~revcycle.usage.rate_usage_table`). Each
    record goes to the partition of its account (an event: of its customer), one partition
    per partition of ``contracts``. ``client=None`` uses the current Dask client, or runs in
    this process. Refused like ``billing.bill``: the same contract id twice, an invoice issued
    twice, an account in two currencies, a float.
    """
    dask()
    arrow()
    _bill_here((), through=through, invoice_date=invoice_date, tax=tax)  # the arguments' checks
    client = resolve_client(client)
    given = as_bag(contracts, "bill() contracts")
    slots = given.npartitions
    parts = [tag_partitions(given, _tag, _CONTRACT, slots)]
    parts.append(tag_partitions(as_bag(issued, "bill() issued"), _tag, _ISSUED, slots))
    if usage is not None:
        parts.append(_usage_bag(usage, slots))
    records = bags().concat(parts)
    grouped = records.groupby(itemgetter(0), npartitions=slots, shuffle="tasks")
    runs = grouped.map(_bill_group, through, invoice_date, tax)
    ids = given.map(_contract_id).frequencies().filter(_repeated)
    done, repeated = compute(client, runs, ids)
    if repeated:
        contract_id = min(repeated)[0]
        raise ValidationError(
            f"bill() got contract {shown(contract_id)} twice; bill each contract once per run "
            "(its latest version holds every segment)."
        )
    return _merge(done)


def _contract_id(contract: Contract) -> str:
    return contract.id if isinstance(contract, Contract) else ""


def _repeated(pair: tuple[str, int]) -> bool:
    return pair[1] > 1 and bool(pair[0])
