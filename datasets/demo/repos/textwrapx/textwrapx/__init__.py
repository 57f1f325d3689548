"""Small text-layout helpers for terminal output: truncation, wrapping and padding."""

from textwrapx.align import pad
from textwrapx.truncate import truncate, truncate_middle
from textwrapx.wrap import fill, wrap

__all__ = ["fill", "pad", "truncate", "truncate_middle", "wrap"]
__version__ = "0.1.0"
