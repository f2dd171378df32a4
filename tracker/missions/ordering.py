"""Ordered lists an admin rearranges: a phase's contacts, a mission's rules and events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from tracker.refusals import Refused


class Positioned(Protocol):
    """A row of an ordered list."""

    position: int


Item = TypeVar("Item", bound=Positioned)


def renumber(items: Sequence[Item]) -> None:
    """Positions 0, 1, 2 … in list order, so "move up" always has a neighbour to swap."""
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position


def move(items: Sequence[Item], item: Item, step: int) -> int:
    """Move ``item`` one place up (-1) or down (+1) among ``items``; return its new index."""
    ordered = sorted(items, key=lambda i: i.position)
    index = ordered.index(item)
    target = index + step
    if not 0 <= target < len(ordered):
        where = "first" if step < 0 else "last"
        raise Refused(f"It is already {where} in the list.")
    ordered[index], ordered[target] = ordered[target], ordered[index]
    renumber(ordered)
    return target
