"""The sales-to-service handoff: touchpoints, stakeholders, the handoff record and the policy
that can refuse to close-win without a complete one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Final, final

import attrs

from revcycle._validate import check_texts, require_sequence
from revcycle.errors import RevcycleTypeError, ValidationError, shown
from revcycle.opportunity._stages import (
    _check_aware,
    _check_flag,
    _check_note,
    _check_optional_text,
    _check_text,
)


@final
@attrs.frozen
class Touchpoint:
    """One contact between awareness and purchase: a channel, when, and a note.

    >>> from datetime import datetime, timezone
    >>> Touchpoint("webinar", datetime(2025, 1, 8, 16, 0, tzinfo=timezone.utc)).channel
    'webinar'
    """

    channel: str = attrs.field(validator=_check_text)
    at: datetime = attrs.field(validator=_check_aware)
    note: str = attrs.field(default="", validator=_check_note)


@final
@attrs.frozen
class Stakeholder:
    """A person the customer-success team will work with after the sale, and their role."""

    name: str = attrs.field(validator=_check_text)
    role: str = attrs.field(validator=_check_text)


# Converters stay named functions: the attrs mypy plugin types __init__ from their signatures.
def _to_texts(value: Iterable[str]) -> tuple[str, ...]:
    return require_sequence(value, "A list of texts")


def _to_touchpoints(value: Iterable[Touchpoint]) -> tuple[Touchpoint, ...]:
    return require_sequence(value, "Handoff touchpoints")


def _to_stakeholders(value: Iterable[Stakeholder]) -> tuple[Stakeholder, ...]:
    return require_sequence(value, "Handoff stakeholders")


_check_texts: Final = check_texts()


def _check_touchpoints(instance: Handoff, _: object, value: tuple[Touchpoint, ...]) -> None:
    previous: datetime | None = None
    for i, touch in enumerate(value):
        if not isinstance(touch, Touchpoint):
            raise RevcycleTypeError(
                f"Handoff touchpoint {i} is {shown(touch)}; expected a Touchpoint."
            )
        if previous is not None and touch.at < previous:
            raise ValidationError(
                f"Handoff touchpoints must be in time order: touchpoint {i} at "
                f"{touch.at.isoformat()} comes before the previous one at {previous.isoformat()}."
            )
        previous = touch.at


def _check_stakeholders(instance: Handoff, _: object, value: tuple[Stakeholder, ...]) -> None:
    for i, person in enumerate(value):
        if not isinstance(person, Stakeholder):
            raise RevcycleTypeError(
                f"Handoff stakeholder {i} is {shown(person)}; expected a Stakeholder."
            )


@final
@attrs.frozen(kw_only=True)
class Handoff:
    """The sales-to-service data set a closed-won deal hands to customer success.

    Every field may start empty; :meth:`missing` lists the ones still to fill in, and a
    :class:`ClosePolicy` can refuse to close-win until nothing is missing.

    >>> Handoff(first_touch_channel="webinar", customer_goal="Close the books in 3 days").missing()
    ('touchpoints', 'driving_topic', 'decision_criteria', 'success_measures', 'stakeholders')
    """

    first_touch_channel: str | None = attrs.field(default=None, validator=_check_optional_text)
    touchpoints: tuple[Touchpoint, ...] = attrs.field(
        default=(), converter=_to_touchpoints, validator=_check_touchpoints
    )
    driving_topic: str | None = attrs.field(default=None, validator=_check_optional_text)
    decision_criteria: tuple[str, ...] = attrs.field(
        default=(), converter=_to_texts, validator=_check_texts
    )
    customer_goal: str | None = attrs.field(default=None, validator=_check_optional_text)
    success_measures: tuple[str, ...] = attrs.field(
        default=(), converter=_to_texts, validator=_check_texts
    )
    stakeholders: tuple[Stakeholder, ...] = attrs.field(
        default=(), converter=_to_stakeholders, validator=_check_stakeholders
    )

    def missing(self) -> tuple[str, ...]:
        """The names of the fields not filled in yet, in field order."""
        return tuple(
            field.name for field in attrs.fields(Handoff) if getattr(self, field.name) in (None, ())
        )

    @property
    def is_complete(self) -> bool:
        """True when every field is filled in."""
        return not self.missing()

    def with_touchpoint(self, touchpoint: Touchpoint) -> Handoff:
        """A copy with ``touchpoint`` appended (it must not be earlier than the last one)."""
        return attrs.evolve(self, touchpoints=(*self.touchpoints, touchpoint))


@final
@attrs.frozen(kw_only=True)
class ClosePolicy:
    """What :meth:`Opportunity.close_won` insists on besides a positive amount.

    ``require_accepted_quote``: an accepted quote id must be linked. ``require_complete_handoff``:
    the handoff must have nothing :meth:`Handoff.missing`. Both off by default.
    """

    require_accepted_quote: bool = attrs.field(default=False, validator=_check_flag)
    require_complete_handoff: bool = attrs.field(default=False, validator=_check_flag)

    @classmethod
    def strict(cls) -> ClosePolicy:
        """Both requirements on."""
        return cls(require_accepted_quote=True, require_complete_handoff=True)
