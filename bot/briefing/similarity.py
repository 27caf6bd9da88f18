"""Two small tools the core uses in several places: cosine of word counts, and disjoint sets."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


def cosine(a: Counter[str], b: Counter[str]) -> float:
    """0..1: the cosine of two bags of words (0 when either is empty)."""
    if not a or not b:
        return 0.0
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    if not dot:
        return 0.0
    norm_a = math.sqrt(sum(v * v for v in a.values()))
    norm_b = math.sqrt(sum(v * v for v in b.values()))
    return dot / (norm_a * norm_b)


class DisjointSets(Generic[K]):
    """Union-find over the given items: ``join`` merges two groups, ``root`` names a group.

    ``join(a, b)`` makes ``b``'s root the root of ``a``'s group, so callers decide which
    member names a merged group by the order of the arguments.
    """

    def __init__(self, items: Iterable[K]):
        self.parent: dict[K, K] = {item: item for item in items}

    def root(self, item: K) -> K:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]  # path halving keeps later look-ups short
            item = parent[item]
        return item

    def join(self, item: K, into: K) -> None:
        self.parent[self.root(item)] = self.root(into)

    def attach(self, item: K, into: K) -> None:
        """Make ``item`` (a root) a child of ``into`` itself, whatever ``into``'s root."""
        self.parent[item] = into

    def is_root(self, item: K) -> bool:
        return self.parent[item] == item
