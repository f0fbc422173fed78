"""Shared pieces of the command line: reading input, writing JSON or tables."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from revcycle._validate import require_extra
from revcycle.cli._plain import PlainText, plain_help
from revcycle.dates import Duration, Period
from revcycle.errors import CliError, RevcycleError, StructureError, shown
from revcycle.money import Money


if TYPE_CHECKING:
    from rich.console import Console

T = TypeVar("T")


def parse_date(text: str, flag: str) -> date:
    """An ISO 8601 date given to ``flag``, or a :class:`CliError` naming the flag."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"{flag} must be a date such as 2024-01-31, not {shown(text)}.") from None


def parse_money(text: str, flag: str) -> Money:
    """Money given to ``flag`` as ``"1000.00 USD"`` (or ``"USD 1000.00"``)."""
    parts = text.split()
    if len(parts) != 2:
        raise CliError(
            f'{flag} must be an amount and a currency such as "1000.00 USD", not {shown(text)}.'
        )
    first, second = parts
    if first[:1].isalpha():
        first, second = second, first
    try:
        return Money(first, second)
    except RevcycleError as error:
        raise CliError(f"{flag}: {error}") from None


def parse_duration(text: str, flag: str) -> Duration:
    """An ISO 8601 duration given to ``flag`` (``P1M``, ``P1Y``)."""
    try:
        return Duration.parse(text)
    except RevcycleError as error:
        raise CliError(f"{flag}: {error}") from None


def parse_period(text: str, flag: str) -> Period:
    """A period given to ``flag`` as ``START/END`` ISO dates, the end exclusive."""
    start, sep, end = text.partition("/")
    if not sep:
        raise CliError(
            f"{flag} must be START/END dates such as 2024-01-01/2024-02-01, not {shown(text)}."
        )
    try:
        return Period(parse_date(start, flag), parse_date(end, flag))
    except RevcycleError as error:
        raise CliError(f"{flag}: {error}") from None


def read_text(source: str) -> str:
    """Read a path, or standard input for ``-``: UTF-8 text of at most
    :data:`~revcycle.serialization.MAX_DOCUMENT_SIZE` characters (16 MiB by default)."""
    from revcycle.serialization import MAX_DOCUMENT_SIZE  # a verb reading a file runs an engine

    name = repr(source) if not source.isprintable() else source
    try:
        if source == "-":
            # One character more than the limit, so that loads() names it for a longer input.
            return sys.stdin.read(MAX_DOCUMENT_SIZE + 1)
        path = Path(source)
        if path.is_file() and path.stat().st_size > 4 * MAX_DOCUMENT_SIZE:
            raise CliError(
                f"cannot read {name}: it is {path.stat().st_size:,} bytes long; revcycle reads "
                f"documents of at most {MAX_DOCUMENT_SIZE:,} characters "
                f"({MAX_DOCUMENT_SIZE // 2**20} MiB)."
            )
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot read {name}: {error.strerror or error}.") from None
    except UnicodeDecodeError as error:
        raise CliError(f"cannot read {name}: it is not UTF-8 text ({error.reason}).") from None
    except ValueError:  # a NUL character: no file has such a name
        raise CliError(f"cannot read {name}: a path cannot hold a NUL character.") from None


def read_json_argument(value: str) -> str:
    """The JSON text a flag was given: the value itself when it is written inline (it starts
    with ``{`` or ``[``), else the file it names (or standard input for ``-``)."""
    if value.lstrip().startswith(("{", "[")):
        return value
    return read_text(value)


def read_model(source: str, cls: type[T]) -> T:
    """Read a JSON document from a path (or ``-``) into a revcycle model."""
    from revcycle.serialization import loads  # the JSON edge loads every engine

    return loads(read_text(source), cls)


def one_line(error: BaseException) -> str:
    """An error as the one line the command line prints: a :class:`StructureError`'s problems
    joined with ``;``, and no line break from the message itself."""
    if isinstance(error, StructureError) and error.messages:
        text = f"{error.summary} {'; '.join(error.messages)}"
    else:
        text = str(error)
    return " ".join(text.split("\n"))


def add_verb(
    subparsers: Any,
    name: str,
    summary: str,
    handler: Callable[[argparse.Namespace], int],
    *,
    doc: str | None = None,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """Add the verb ``name`` and return its parser, for the verb's own arguments.

    ``summary`` is its line in ``revcycle --help``. ``revcycle NAME --help`` opens with
    ``doc`` as laid out (the verb module's docstring, its examples laid out by hand) in plain
    words (:func:`~revcycle.cli._plain.plain_help`: no reST markup), or else with
    ``description`` wrapped to the terminal. ``handler`` runs with the parsed arguments
    and returns the exit code.
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=summary,
        description=description if doc is None else plain_help(doc),
        formatter_class=argparse.HelpFormatter
        if doc is None
        else argparse.RawDescriptionHelpFormatter,
    )
    # The verb's own parser, for its usage errors (an unknown flag prints this verb's usage).
    parser.set_defaults(handler=handler, parser=parser)
    return parser


def add_format_argument(parser: argparse.ArgumentParser, *, csv: bool = True) -> None:
    """Add ``--format json|table|csv`` (JSON by default; ``csv=False`` for an output that is
    not a table)."""
    parser.add_argument(
        "--format",
        choices=("json", "table", "csv") if csv else ("json", "table"),
        default="json",
        help="json (default) for programs, table for people"
        + (", csv for spreadsheets (one row per line of the result)" if csv else ""),
    )


def print_csv(result: Any) -> None:
    """Write a tabular result as CSV: its ``to_records()`` under its columns' header."""
    to_records = getattr(result, "to_records", None)
    if to_records is None:
        raise CliError("this result is not a table; use --format json or table.")
    columns = getattr(result, "_table_columns", None)
    from revcycle.serialization import dumps_csv

    sys.stdout.write(dumps_csv(to_records(), None if columns is None else list(columns())))


def read_tabular(source: str, cls: type[T], read_json: Callable[[str], T]) -> T:
    """A tabular document from a ``.csv`` path (:func:`~revcycle.serialization.loads_csv`),
    else its JSON text read by ``read_json``."""
    if source.lower().endswith(".csv"):
        from revcycle.serialization import loads_csv

        return loads_csv(read_text(source), cls)
    return read_json(read_text(source))


def print_json(obj: Any) -> None:
    """Write a revcycle value (or plain data) as JSON with ``schema_version`` on top."""
    from revcycle.serialization import SCHEMA_VERSION, unstructure

    data = unstructure(obj)
    if isinstance(data, dict):
        data = {**data, "schema_version": SCHEMA_VERSION}
    text = json.dumps(data, indent=2, ensure_ascii=False)
    try:
        sys.stdout.write(text + "\n")
    except UnicodeEncodeError:
        # Text that standard output's encoding cannot write (a lone surrogate from a command
        # line argument that was not UTF-8, or a terminal that is not UTF-8): JSON escapes.
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=True) + "\n")


def print_result(result: T, output: str, print_for_people: Callable[[T], object]) -> int:
    """Write a verb's result as ``--format`` asks: JSON (:func:`print_json`), or for
    ``table`` ``print_for_people(result)``, for ``csv`` its records (:func:`print_csv`);
    returns the exit code, 0."""
    if output == "table":
        print_for_people(result)
    elif output == "csv":
        print_csv(result)
    else:
        print_json(result)
    return 0


def _rich(module: str) -> Any:
    return require_extra(module, "cli", "Printing tables", hint="; or use --format json")


def console() -> Console:
    """A Rich console for tables; needs the ``cli`` extra."""
    new_console: type[Console] = _rich("rich.console").Console
    return new_console(width=100, soft_wrap=False, highlight=False)


def print_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    right: Sequence[int] = (),
    out: Console | PlainText | None = None,
) -> None:
    """Print a table; ``right`` lists the column indexes to right-align (amounts). ``out`` may
    be a :class:`~revcycle.cli._plain.PlainText` (the demo without Rich)."""
    if isinstance(out, PlainText):
        out.table(title, headers, rows, right=right)
        return
    target = out or console()
    table = _rich("rich.table").Table(title=title, title_justify="left")
    for i, header in enumerate(headers):
        table.add_column(header, justify="right" if i in right else "left")
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    target.print(table)


def peek_json(text: str) -> object:
    """The parsed document, only to choose which type to read it as (a list, a book, a priced
    amendment), read under ``loads``' limits (a 16 MiB file of ``{},`` is never built as five
    million dicts); ``None`` when it breaks one of them or does not parse, so that ``loads``
    says what is wrong."""
    from revcycle.serialization import read_json  # a verb reading a file runs an engine

    try:
        return read_json(text)
    except RevcycleError:
        return None
