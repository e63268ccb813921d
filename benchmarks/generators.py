"""Seeded graph generators for benchmarks and tests."""

from __future__ import annotations

import numpy as np


def planted_partition(num_nodes: int, num_groups: int, mean_degree: float, mixing: float,
                      seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(edges, groups)`` of a planted-partition graph, built in NumPy.

    Every node draws ``mean_degree / 2`` edge stubs; each stub joins a random
    node of its own group with probability ``1 - mixing`` and a uniformly
    random node otherwise.  Self-loops are dropped (duplicates are kept and
    add up as weights).  ``edges`` is an ``(m, 2)`` int64 array.
    """
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, num_groups, num_nodes)
    num_edges = int(num_nodes * mean_degree / 2)
    source = rng.integers(0, num_nodes, num_edges)
    order = np.argsort(groups, kind="stable")
    sizes = np.bincount(groups, minlength=num_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    own = groups[source]
    intra = order[starts[own] + (rng.random(num_edges) * sizes[own]).astype(np.int64)]
    inter = rng.integers(0, num_nodes, num_edges)
    target = np.where(rng.random(num_edges) < mixing, inter, intra)
    keep = source != target
    return np.stack([source[keep], target[keep]], axis=1).astype(np.int64), groups


def observed_links(edges: np.ndarray, num_nodes: int, mean_degree: float,
                   weighted: bool = False, seed: int = 1) -> np.ndarray:
    """Return a sample of a network's links: what an incomplete observation sees.

    The distinct links of ``edges`` (duplicates and direction dropped) are
    observed ``num_nodes * mean_degree / 2`` times.  Unweighted, each
    observation picks a different link (a random fraction of the links, the
    rest missing), so the observed mean degree is ``mean_degree``; weighted,
    observations pick links with replacement and a link's weight counts its
    observations (fewer distinct links, mean weighted degree ``mean_degree``).
    Returns an ``(m, 3)`` float array ``source target weight``.
    """
    rng = np.random.default_rng(seed)
    links = np.unique(np.sort(np.asarray(edges)[:, :2].astype(np.int64), axis=1), axis=0)
    draws = int(num_nodes * mean_degree / 2)
    if not weighted:
        if draws > len(links):
            raise ValueError(f"mean degree {mean_degree} needs {draws} links; the network "
                             f"has {len(links)}")
        picked = links[rng.permutation(len(links))[:draws]]
        return np.column_stack([picked, np.ones(len(picked))]).astype(float)
    counts = np.bincount(rng.integers(0, len(links), draws), minlength=len(links))
    seen = counts > 0
    return np.column_stack([links[seen], counts[seen]]).astype(float)


def hierarchical_planted_partition(num_nodes: int, branching: tuple[int, ...],
                                   mean_degree: float, mixing: tuple[float, ...],
                                   seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(edges, groups)`` of a graph with groups within groups.

    ``branching[l]`` is how many groups every group of level ``l`` splits
    into (level 0 is the whole network), so there are ``prod(branching)``
    finest groups.  Every node draws ``mean_degree / 2`` edge stubs; a stub
    joins a uniformly random node of the network with probability
    ``mixing[0]``, of the node's level-1 group with probability
    ``mixing[1]``, and so on, and of its finest group otherwise.
    ``groups`` is an ``(n, levels)`` array: column ``l`` holds every node's
    group at level ``l + 1``.  Self-loops are dropped.
    """
    if len(mixing) != len(branching):
        raise ValueError("give one mixing probability per level of branching")
    rng = np.random.default_rng(seed)
    levels = len(branching)
    num_finest = int(np.prod(branching))
    finest = rng.integers(0, num_finest, num_nodes)
    # Finest groups sorted by number keep every coarser group contiguous.
    widths = [int(np.prod(branching[level + 1:])) for level in range(levels)]
    groups = np.stack([finest // w for w in widths], axis=1)
    order = np.argsort(finest, kind="stable")
    num_edges = int(num_nodes * mean_degree / 2)
    source = rng.integers(0, num_nodes, num_edges)
    choice = rng.random(num_edges)
    bounds = np.cumsum(mixing)
    level_of_stub = np.searchsorted(bounds, choice, side="right")  # levels = finest
    target = np.empty(num_edges, dtype=np.int64)
    for level in range(levels + 1):
        stubs = level_of_stub == level
        if level == 0:
            target[stubs] = rng.integers(0, num_nodes, int(stubs.sum()))
            continue
        group_of = groups[:, level - 1]
        sizes = np.bincount(group_of, minlength=int(group_of.max()) + 1)
        starts = np.concatenate([[0], np.cumsum(sizes)])
        own = group_of[source[stubs]]
        pick = starts[own] + (rng.random(int(stubs.sum())) * sizes[own]).astype(np.int64)
        target[stubs] = order[pick]
    keep = source != target
    return np.stack([source[keep], target[keep]], axis=1).astype(np.int64), groups


def nested_triangles(depth: int, weights: tuple[float, ...] | None = None) -> tuple[np.ndarray, int]:
    """Return ``(edges, num_nodes)`` of ``3**depth`` triangles nested in threes.

    Three triangles, pairwise joined by one link, make a unit of level 1;
    three units of level ``l - 1`` make a unit of level ``l``, joined by
    links of weight ``weights[l - 1]`` (default ``0.5 ** l``), so the flow
    supports a module tree ``depth + 1`` levels deep.  ``edges`` is an
    ``(m, 3)`` float array ``source target weight``.
    """
    if weights is None:
        weights = tuple(0.5 ** level for level in range(1, depth + 1))
    links: list[tuple[int, int, float]] = []
    units: list[list[int]] = []
    for t in range(3 ** depth):
        a, b, c = 3 * t, 3 * t + 1, 3 * t + 2
        links += [(a, b, 1.0), (a, c, 1.0), (b, c, 1.0)]
        units.append([a, b, c])
    for level in range(1, depth + 1):
        grouped = []
        for first in range(0, len(units), 3):
            trio = units[first:first + 3]
            for x, y in ((0, 1), (0, 2), (1, 2)):
                # Join different members, so no node carries every link.
                links.append((trio[x][(y + level) % len(trio[x])],
                              trio[y][(x + 2 * level) % len(trio[y])], weights[level - 1]))
            grouped.append([v for unit in trio for v in unit])
        units = grouped
    return np.array(links, dtype=float), 3 ** (depth + 1)


def second_order_network(num_nodes: int, num_groups: int, mean_degree: float, mixing: float,
                         memory: float = 0.9, seed: int = 1
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(state_links, physical, groups)`` of a second-order (memory)
    network built from paths on a planted-partition graph.

    See :func:`second_order_from_edges`, which this calls on the planted
    partition's edges and groups.
    """
    edges, groups = planted_partition(num_nodes, num_groups, mean_degree, mixing, seed)
    links, physical = second_order_from_edges(edges, groups, num_nodes, memory)
    return links, physical, groups


def second_order_from_edges(edges: np.ndarray, groups: np.ndarray, num_nodes: int,
                            memory: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(state_links, physical)`` of the second-order (memory)
    network of paths on an undirected graph with planted ``groups``.

    Every link ``u -> v`` of the graph (both directions of each edge) is a
    state node of physical node ``v``: the walker came to ``v`` from ``u``.
    From state ``u -> v`` a step goes to every state ``v -> w`` (``w != u``),
    with weight ``memory`` when ``w`` is in ``u``'s group and ``1 - memory``
    otherwise: a walker that came from a group tends to go back to it, which
    a first-order walk cannot express, so physical nodes on group borders
    belong to several modules.

    Parameters
    ----------
    edges : numpy.ndarray
        ``(m, 2)`` node ids ``0..num_nodes-1``; duplicates and directions
        are merged, self-loops must be absent.
    groups : numpy.ndarray
        The group of every node.
    num_nodes : int
        The number of nodes.
    memory : float
        The weight of a step back into the group the walker came from.

    Returns
    -------
    state_links : numpy.ndarray
        ``(m, 3)`` float array ``source_state, target_state, weight``.
    physical : numpy.ndarray
        The physical node of every state (int64).
    """
    edges = np.unique(np.sort(np.asarray(edges)[:, :2].astype(np.int64), axis=1), axis=0)
    tail = np.concatenate([edges[:, 0], edges[:, 1]])
    head = np.concatenate([edges[:, 1], edges[:, 0]])
    order = np.lexsort((head, tail))
    tail, head = tail[order], head[order]  # states sorted by the node they leave
    num_states = tail.shape[0]
    first_out = np.searchsorted(tail, np.arange(num_nodes + 1))
    # Each state u -> v continues into every state v -> w.
    out_degree = first_out[head + 1] - first_out[head]
    source = np.repeat(np.arange(num_states), out_degree)
    offset = np.arange(source.shape[0]) - np.repeat(np.cumsum(out_degree) - out_degree,
                                                    out_degree)
    target = first_out[head[source]] + offset
    keep = head[target] != tail[source]
    source, target = source[keep], target[keep]
    same = groups[head[target]] == groups[tail[source]]
    weight = np.where(same, memory, 1.0 - memory)
    links = np.stack([source, target, weight], axis=1)
    return links, head.astype(np.int64)


def planted_bipartite(num_primary: int, num_features: int, num_groups: int, degree: int,
                      noise: float, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(edges, groups)`` of a planted bipartite graph.

    Primary nodes ``0..num_primary-1`` and feature nodes
    ``num_primary..num_primary+num_features-1`` are each split into
    ``num_groups`` groups; every primary node links ``degree`` features,
    each one of its own group's features with probability ``1 - noise``
    and a uniformly random feature otherwise.  Duplicate links are merged.

    Returns
    -------
    edges : numpy.ndarray
        ``(m, 2)`` int64 ``primary, feature`` (feature ids offset by
        ``num_primary``).
    groups : numpy.ndarray
        The group of every node, primary nodes first.
    """
    rng = np.random.default_rng(seed)
    primary_group = rng.integers(0, num_groups, num_primary)
    feature_group = np.arange(num_features) % num_groups
    order = np.argsort(feature_group, kind="stable")
    sizes = np.bincount(feature_group, minlength=num_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    source = np.repeat(np.arange(num_primary), degree)
    own = primary_group[source]
    inside = order[starts[own] + (rng.random(source.size) * sizes[own]).astype(np.int64)]
    anywhere = rng.integers(0, num_features, source.size)
    target = np.where(rng.random(source.size) < noise, anywhere, inside) + num_primary
    edges = np.unique(np.stack([source, target], axis=1), axis=0).astype(np.int64)
    return edges, np.concatenate([primary_group, feature_group])


def planted_overlap(num_nodes: int, num_groups: int, mean_degree: float, mixing: float,
                    overlap_fraction: float, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(edges, members)`` of a planted partition with overlapping nodes.

    Every node is in a random group; a share ``overlap_fraction`` of them
    (chosen at random) is also in a second, different group.  Every node
    draws ``mean_degree / 2`` edge stubs; each stub joins, with probability
    ``1 - mixing``, a random member of one of its node's groups (picked
    uniformly among them) and otherwise a uniformly random node.  An
    overlapping node is thus tied to both of its groups alike.  Self-loops
    are dropped (duplicates are kept and add up as weights).

    Returns
    -------
    edges : numpy.ndarray
        ``(m, 2)`` int64 node ids.
    members : numpy.ndarray
        ``(num_nodes, num_groups)`` bool: the groups of every node.
    """
    rng = np.random.default_rng(seed)
    members = np.zeros((num_nodes, num_groups), dtype=bool)
    first = rng.integers(0, num_groups, num_nodes)
    members[np.arange(num_nodes), first] = True
    overlapping = rng.permutation(num_nodes)[:int(round(overlap_fraction * num_nodes))]
    second = (first[overlapping] + rng.integers(1, num_groups, overlapping.size)) % num_groups
    members[overlapping, second] = True
    node_of, group_of = np.nonzero(members)  # the member lists, by node
    order = np.argsort(group_of, kind="stable")
    sizes = np.bincount(group_of, minlength=num_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    num_edges = int(num_nodes * mean_degree / 2)
    source = rng.integers(0, num_nodes, num_edges)
    counts = members.sum(axis=1)
    first_row = np.concatenate([[0], np.cumsum(counts)])
    pick_group = (rng.random(num_edges) * counts[source]).astype(np.int64)
    picked = group_of[first_row[source] + pick_group]
    pick_member = (rng.random(num_edges) * sizes[picked]).astype(np.int64)
    intra = node_of[order[starts[picked] + pick_member]]
    inter = rng.integers(0, num_nodes, num_edges)
    target = np.where(rng.random(num_edges) < mixing, inter, intra)
    keep = source != target
    return np.stack([source[keep], target[keep]], axis=1).astype(np.int64), members
