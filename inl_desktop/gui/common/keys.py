"""Keys as the lists' event filters read them.

A search box over a list of what it found hands Up and Down to the list, and a
list opens its current record on Enter; their filters see every event of the
widget watched, so they first need the key of a key press, and nothing else.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QKeyEvent


def pressed_key(event: QEvent) -> int | None:
    """The key of a key press (None for any other event)."""
    if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
        return event.key()
    return None
