"""The heap a process builds as it starts, kept out of the garbage collector's passes.

A service starts with a few hundred thousand long-lived objects (modules, the app, its routes,
its models). Each full collection walks them all, tens of milliseconds during which the process
answers no one: at a few thousand requests a second that is the slowest answer of every hundred.
Frozen once start-up is done, they are never walked again; what requests allocate afterwards is
collected as before.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    gc.collect()
    gc.freeze()
