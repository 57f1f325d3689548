"""Operations on collections of intervals."""

from typing import Iterable, List

from intervals.interval import Interval, Number


def merge(intervals: Iterable[Interval]) -> List[Interval]:
    """Merge overlapping intervals.

    Returns a new list, sorted by start, in which no two intervals overlap.

    >>> merge([Interval(5, 8), Interval(1, 3), Interval(2, 4)])
    [Interval(start=1, end=4), Interval(start=5, end=8)]
    """
    merged: List[Interval] = []
    for current in sorted(intervals):
        if merged and current.start < merged[-1].end:
            last = merged.pop()
            merged.append(Interval(last.start, max(last.end, current.end)))
        else:
            merged.append(current)
    return merged


def gaps(intervals: Iterable[Interval]) -> List[Interval]:
    """Return the stretches between the merged intervals, in order.

    >>> gaps([Interval(0, 2), Interval(5, 6)])
    [Interval(start=2, end=5)]
    """
    merged = merge(intervals)
    return [Interval(left.end, right.start) for left, right in zip(merged, merged[1:])]


def total_length(intervals: Iterable[Interval]) -> Number:
    """Return the length covered by the intervals, counting shared stretches once.

    >>> total_length([Interval(0, 2), Interval(1, 4)])
    4
    """
    return sum(interval.length for interval in merge(intervals))
