"""Closed numeric intervals: overlap tests, merging, gaps and coverage."""

from intervals.interval import Interval
from intervals.merge import gaps, merge, total_length

__all__ = ["Interval", "gaps", "merge", "total_length"]
__version__ = "0.1.0"
