"""Average-link grouping over a sparse similarity graph: groups that do not chain.

Single-link joins two groups when any one pair is similar enough, so two earthquakes end
up in one story through a third article that mentions both. Average-link joins two groups
only when their members are similar on average (a missing pair counts as 0), so one
bridging article is not enough.

Merges happen best first, through a heap of candidate pairs whose stale entries are
skipped, so the cost grows with the number of similar pairs, not with the square of the
articles: a briefing over thousands of matches stays fast.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping


def average_link(
    n: int,
    similar: Mapping[tuple[int, int], float],
    threshold: float,
    member_floor: float = 0.0,
) -> list[int]:
    """Items ``0..n-1`` and the similarity of some pairs ``(i, j)`` with ``i < j``: each
    item's group, named by the smallest item in it. Groups merge while the mean similarity
    across two groups, over all their cross pairs, is at least ``threshold``, and each
    member's mean similarity to the other group is at least ``member_floor`` times it
    (so a group that one member bridges to is not taken in whole)."""
    near: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for (i, j), s in similar.items():
        if s > 0 and i != j:
            near[i][j] = near[j][i] = s
    size = [1] * n
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    # total[a][b]: the sum of similarities across groups a and b (both group names).
    total: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for (i, j), s in similar.items():
        if s > 0 and i != j:
            total[i][j] = total[i].get(j, 0.0) + s
            total[j][i] = total[i][j]
    heap = [(-s, a, b) for a, row in total.items() for b, s in row.items() if a < b]
    heap = [(m, a, b) for m, a, b in heap if -m >= threshold]
    heapq.heapify(heap)
    while heap:
        mean, a, b = heapq.heappop(heap)
        if a not in members or b not in members or b not in total[a]:
            continue  # one of them merged since this entry was pushed
        if abs(-mean - total[a][b] / (size[a] * size[b])) > 1e-12:
            continue  # stale: the pair's mean changed
        if member_floor and not _each_member_close(
            members[a], members[b], near, member_floor * threshold
        ):
            continue  # may merge later, once either group has changed
        keep, gone = min(a, b), max(a, b)
        _merge(keep, gone, total, size, members)
        for other, s in total[keep].items():
            m = s / (size[keep] * size[other])
            if m >= threshold:
                heapq.heappush(heap, (-m, min(keep, other), max(keep, other)))
    group = [0] * n
    for name, items in members.items():
        for i in items:
            group[i] = name
    return group


def _each_member_close(
    a: list[int], b: list[int], near: dict[int, dict[int, float]], floor: float
) -> bool:
    for one, other in ((a, b), (b, a)):
        for i in one:
            row = near[i]
            if sum(row.get(j, 0.0) for j in other) / len(other) < floor:
                return False
    return True


def _merge(
    keep: int,
    gone: int,
    total: dict[int, dict[int, float]],
    size: list[int],
    members: dict[int, list[int]],
) -> None:
    for other, s in total.pop(gone).items():
        if other == keep:
            continue
        total[keep][other] = total[keep].get(other, 0.0) + s
        total[other][keep] = total[keep][other]
        del total[other][gone]
    total[keep].pop(gone, None)
    size[keep] += size[gone]
    members[keep].extend(members.pop(gone))


def attach_strays(
    group: list[int],
    similar: Mapping[tuple[int, int], float],
    floor: float,
    margin: float = 1.0,
) -> list[int]:
    """Each item left alone joins the group (of two or more) it is most similar to on
    average, when that mean is at least ``floor``: a report worded unlike the others of
    its event still belongs with them, while the groups themselves stay as they are."""
    sizes: dict[int, int] = {}
    for g in group:
        sizes[g] = sizes.get(g, 0) + 1
    sums: dict[int, dict[int, float]] = {}
    for (i, j), s in similar.items():
        for one, other in ((i, j), (j, i)):
            if sizes[group[one]] == 1:
                row = sums.setdefault(one, {})
                row[group[other]] = row.get(group[other], 0.0) + s
    out = list(group)
    for item, row in sums.items():
        ranked = sorted(((s / sizes[g], -g) for g, s in row.items()), reverse=True)
        mean, best = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if sizes[-best] > 1 and mean >= floor and mean >= margin * runner_up:
            out[item] = -best
    return out
