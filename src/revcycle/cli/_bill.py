"""revcycle bill: bill contracts through a date, each line once.

Examples:

    revcycle bill CONTRACTS.json --through 2025-01-01 > january.json
    revcycle bill CONTRACTS.json --through 2025-02-01 --issued january.json > february.json
    revcycle bill CONTRACTS.json --through 2025-03-01 --issued january.json \\
        --issued february.json --tax 20 --format table

CONTRACTS.json is read as revcycle arr reads it: a list of contracts (like the sample
contracts.json), a book {"contracts": [...]}, one contract, or a priced amendment (the
contract it made). Give each contract once, at its latest version.

A run bills every piece due on or before --through that was not billed before: a piece
billed in advance once it has started, in arrears (and usage) once it has ended. Each
contract that has something to bill gets one invoice, dated --invoice-date (default: the
--through date) and due as the contract's own payment terms say (Net 60 on the contract
means due 60 days after the invoice date).

--issued names what was billed before: the output of an earlier run, a list of invoices or
one invoice; repeat it for several files. Lines already issued are never billed again, so a
second run given the first run's output bills nothing, and credit left over from earlier
invoices is taken off the next ones. --usage names usage events (as revcycle rate reads
them), billed in arrears. --tax 20 adds 20 % tax, worked out on the unrounded line amounts
and rounded once per invoice.

The output is JSON: the invoices (give them to the next run as --issued), the accounts'
credit balances, and usage events that arrived for periods already billed. --format table
prints one row per invoice for people; --explain prints each line's arithmetic.
Exit status: 0 done, 1 bad input or a rule refused it (one line on standard error), 2 a
wrong command line.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final, TypeVar

from revcycle._display import amount_text
from revcycle.cli._arr import add_books_argument, read_book
from revcycle.cli._common import (
    add_format_argument,
    add_verb,
    console,
    parse_date,
    peek_json,
    print_csv,
    print_json,
    print_table,
    read_text,
)
from revcycle.cli._plain import PlainText
from revcycle.cli._progress import Steps, progress, source_name
from revcycle.cli._rate import read_events
from revcycle.errors import CliError, RevcycleError, StructureError, shown
from revcycle.money import Percent


if TYPE_CHECKING:
    from rich.console import Console

    from revcycle.billing import BillRun, Invoice, TaxRate

T = TypeVar("T")
_SHOWN: Final = 3  # the problems of an unreadable file quoted in its one-line error


def register(subparsers: Any) -> None:
    """Add the ``bill`` verb."""
    summary = "bill contracts through a date: invoices, due dates, credits (idempotent)"
    parser = add_verb(subparsers, "bill", summary, _handle, doc=__doc__)
    add_books_argument(parser)
    parser.add_argument("--through", required=True, metavar="DATE", help="bill what is due by DATE")
    parser.add_argument(
        "--issued",
        metavar="INVOICES.json",
        action="append",
        default=[],
        help="invoices billed before: an earlier run's output, a list or one (repeat for several)",
    )
    for flag, metavar, text in (
        ("--usage", "EVENTS.json", "usage events to rate in arrears"),
        ("--tax", "PERCENT", "a tax rate in percent, such as 20"),
        ("--invoice-date", "DATE", "the invoices' date (default: --through)"),
    ):
        parser.add_argument(flag, metavar=metavar, help=text)
    parser.add_argument(
        "--explain", action="store_true", help="print every invoice line's arithmetic (text)"
    )
    add_format_argument(parser)


def _handle(args: argparse.Namespace) -> int:
    from revcycle.billing import bill

    sources = [*args.books, *args.issued, *([] if args.usage is None else [args.usage])]
    if sources.count("-") > 1:
        raise CliError("only one input can be read from standard input.")
    through = parse_date(args.through, "--through")
    day = None if args.invoice_date is None else parse_date(args.invoice_date, "--invoice-date")
    tax = None if args.tax is None else _tax(args.tax)
    # One step per file read, then billing and writing.
    with progress(len(sources) + 2) as steps:
        books = [
            contract
            for source in args.books
            for contract in _read(source, read_book, steps, "contracts")
        ]
        issued = [
            invoice
            for source in args.issued
            for invoice in _read(source, read_invoices, steps, "issued invoices")
        ]
        usage = () if args.usage is None else _read(args.usage, read_events, steps, "usage")
        steps.step("billing")
        run = bill(books, through=through, issued=issued, usage=usage, invoice_date=day, tax=tax)
        steps.writing()
        if args.explain:
            print(run.explain())
        elif args.format == "table":
            print_bill_run(run)
        elif args.format == "csv":
            print_csv(run)
        else:
            print_json(run)
    return 0


def _read(
    source: str, reader: Callable[[str], Sequence[T]], steps: Steps, what: str
) -> Sequence[T]:
    """What ``reader`` reads from ``source`` (a step of ``steps``, reading ``what``); a
    document that does not fit is one line naming the file and its first problems (a bill run
    reads several files)."""
    steps.step(f"reading {what}: {source_name(source)}")
    try:
        return reader(source)
    except StructureError as error:
        shown = "; ".join(error.messages[:_SHOWN])
        more = len(error.messages) - _SHOWN
        rest = f" (and {more} more)" if more > 0 else ""
        detail = f": {shown}{rest}" if shown else ""
        name = "standard input" if source == "-" else source
        raise CliError(f"{name}: {error.summary.rstrip(':.')}{detail}.") from None


def _tax(text: str) -> TaxRate:
    from revcycle.billing import TaxRate

    try:
        percent = Percent(text.strip().removesuffix("%").strip())
    except RevcycleError as error:
        raise CliError(f"--tax: {error}") from None
    if percent.value < 0:
        raise CliError(f"--tax must be a percent of zero or more, such as 20, not {shown(text)}.")
    return TaxRate(percent, "tax")


def read_invoices(source: str) -> tuple[Invoice, ...]:
    """The invoices of one file: a bill run (as ``revcycle bill`` writes it), a list of
    invoices, or one invoice."""
    from revcycle.billing import BillRun, Invoice
    from revcycle.serialization import loads

    text = read_text(source)
    data = peek_json(text)  # None when it does not parse: loads() says why
    if isinstance(data, list):
        return loads(text, tuple[Invoice, ...])
    if isinstance(data, dict) and "invoices" in data:
        return loads(text, BillRun).invoices
    return (loads(text, Invoice),)


def print_bill_run(
    run: BillRun, out: Console | PlainText | None = None, *, title: str = "Bill run"
) -> None:
    """Print a bill run for people (the CLI and the demo): one row per invoice, then the
    accounts' credit balances and the count of late usage events.

    A row is wider than the console's 100 columns (an invoice id alone is 45 characters), and
    an amount cut short is worse than a long line, so the table is printed at its own width
    (up to 200 columns)."""
    target = out or console()
    if run.invoices:
        table = (
            f"{title}: {_count(len(run.invoices), 'invoice')}, {_count(len(run.lines), 'line')}",
            _HEADERS,
            [_row(invoice) for invoice in run.invoices],
        )
        if isinstance(target, PlainText):
            print_table(*table, right=_AMOUNTS, out=target)
        else:
            saved = target.width
            target.width = max(saved, _WIDE)
            try:
                print_table(*table, right=_AMOUNTS, out=target)
            finally:
                target.width = saved
    else:
        target.print(f"{title}: no invoice — nothing was due that had not been issued.")
    balances = [
        f"{account} {amount_text(money)}"
        for account, money in sorted(run.credit_balances.items())
        if not money.is_zero()
    ]
    target.print(
        f"Credit carried to the next invoices: {'; '.join(balances) or 'none'}. Late usage "
        f"events (for periods already billed): {len(run.late_usage)}."
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


_WIDE: Final = 240
_HEADERS: Sequence[str] = (
    *("invoice", "account", "contract", "date", "due", "lines", "subtotal", "tax"),
    *("credit applied", "total", "credit generated"),
)
_AMOUNTS: Final = range(5, len(_HEADERS))
_AMOUNTS_OF: Final = attrgetter("subtotal", "tax", "credit_applied", "total", "credit_generated")


def _row(invoice: Invoice) -> list[object]:
    named = (invoice.id, invoice.account, invoice.contract_id)
    days = (invoice.invoice_date.isoformat(), invoice.due_date.isoformat())
    return [*named, *days, len(invoice.lines), *map(amount_text, _AMOUNTS_OF(invoice))]
