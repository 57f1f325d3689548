"""The closed interval type."""

from dataclasses import dataclass
from typing import Optional, Union

Number = Union[int, float]


@dataclass(frozen=True, order=True)
class Interval:
    """A closed interval ``[start, end]``: both endpoints are included.

    Intervals order by ``start``, then by ``end``.
    """

    start: Number
    end: Number

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"interval end {self.end!r} is before its start {self.start!r}")

    @property
    def length(self) -> Number:
        return self.end - self.start

    def __contains__(self, value: Number) -> bool:
        return self.start <= value <= self.end

    def overlaps(self, other: "Interval") -> bool:
        """Return True if the two intervals share at least one point."""
        return self.start <= other.end and other.start <= self.end

    def intersection(self, other: "Interval") -> Optional["Interval"]:
        """Return the interval both share, or None if they are disjoint."""
        if not self.overlaps(other):
            return None
        return Interval(max(self.start, other.start), min(self.end, other.end))

    def __str__(self) -> str:
        return f"[{self.start}, {self.end}]"
