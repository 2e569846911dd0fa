# SPDX-License-Identifier: MIT
"""Type stub for klefr.capi, the module SWIG generates from klefr.i.

SWIG writes no annotations, so under mypy --strict every use of the
generated module would be an error. This stub declares each of its names
as Any; the hand-written modules (klefr/_c.py and the ones that call it)
are where the real types are written, at the boundary."""

from typing import Any

def __getattr__(name: str) -> Any: ...
