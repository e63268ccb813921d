"""Seeded graph generators for benchmarks and tests."""

from __future__ import annotations

import math

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


def _power_law_mean(low: float, high: float, exponent: float) -> float:
    """Return the mean of a continuous power law ``x**-exponent`` on ``[low, high]``."""
    def integral(power: float) -> float:  # of x**power over [low, high]
        if abs(power + 1.0) < 1e-12:
            return math.log(high / low)
        return (high ** (power + 1.0) - low ** (power + 1.0)) / (power + 1.0)
    return integral(1.0 - exponent) / integral(-exponent)


def _power_law_draws(rng: np.random.Generator, size: int, low: float, high: float,
                     exponent: float) -> np.ndarray:
    """Return ``size`` draws of a continuous power law ``x**-exponent`` on
    ``[low, high]`` by inverting its distribution function."""
    uniform = rng.random(size)
    if abs(exponent - 1.0) < 1e-12:
        return low * (high / low) ** uniform
    a, b = low ** (1.0 - exponent), high ** (1.0 - exponent)
    return (a + uniform * (b - a)) ** (1.0 / (1.0 - exponent))


def _pair_stubs(owners: np.ndarray, rng: np.random.Generator, taken: set,
                forbidden=None, tries: int = 50) -> list[tuple[int, int]]:
    """Return random pairs of the stubs held by ``owners`` (a node per stub, an even
    number of stubs): a configuration model.

    A pair that is a self-loop, repeats an earlier pair, is in ``taken`` (keys
    ``(u, v)`` with ``u < v``), or for which ``forbidden(u, v)`` holds is
    rewired: its ends swap with those of another random pair, when both new
    pairs are fine, in at most ``tries`` attempts; pairs still bad stay (the
    caller drops what must go).
    """
    pairs = [tuple(pair) for pair in rng.permutation(owners).reshape(-1, 2).tolist()]
    counts: dict[tuple[int, int], int] = {}
    for u, v in pairs:
        counts[(min(u, v), max(u, v))] = counts.get((min(u, v), max(u, v)), 0) + 1

    def bad(u: int, v: int, copies: int) -> bool:
        key = (min(u, v), max(u, v))
        return (u == v or counts.get(key, 0) > copies or key in taken
                or (forbidden is not None and forbidden(u, v)))

    def move(u: int, v: int, step: int) -> None:
        key = (min(u, v), max(u, v))
        counts[key] = counts.get(key, 0) + step

    for index in range(len(pairs)):
        a, b = pairs[index]
        if not bad(a, b, 1):
            continue
        others = rng.integers(0, len(pairs), tries)
        flips = rng.random(tries) < 0.5
        for other, flip in zip(others.tolist(), flips.tolist(), strict=True):
            if other == index:
                continue
            c, d = pairs[other][::-1] if flip else pairs[other]
            move(a, b, -1)
            move(c, d, -1)
            if (not bad(a, c, 0) and not bad(b, d, 0)
                    and (min(a, c), max(a, c)) != (min(b, d), max(b, d))):
                move(a, c, 1)
                move(b, d, 1)
                pairs[index], pairs[other] = (a, c), (b, d)
                break
            move(a, b, 1)
            move(c, d, 1)
    return pairs


def _community_sizes(rng: np.random.Generator, total: int, smallest: int, largest: int,
                     exponent: float) -> np.ndarray:
    """Return power-law community sizes in ``[smallest, largest]`` that sum to
    ``total``: sizes drawn until they reach it, then the excess taken one by one
    from random communities above ``smallest``."""
    sizes: list[int] = []
    while sum(sizes) < total:
        draw = _power_law_draws(rng, 1, smallest, largest + 1.0, exponent)[0]
        sizes.append(min(int(draw), largest))
    result = np.array(sizes, dtype=np.int64)
    excess = int(result.sum()) - total
    while excess > 0:
        room = np.flatnonzero(result > smallest)
        if room.size == 0:
            raise ValueError(f"community sizes in [{smallest}, {largest}] cannot sum to "
                             f"{total} member slots")
        take = min(excess, room.size)
        result[rng.choice(room, take, replace=False)] -= 1
        excess -= take
    return result


def _assign_communities(rng: np.random.Generator, sizes: np.ndarray, shares: np.ndarray,
                        slot_node: np.ndarray, attempts: int = 20) -> np.ndarray:
    """Return the community of every member slot (``slot_node[i]`` is the node of
    slot ``i``, ``shares[i]`` its internal degree there).

    Slots are placed largest share first (ties in random order, overlapping
    nodes' slots first) into a random community, drawn by its free places,
    that is larger than the share, has a free place and does not hold the node
    yet.  When a slot finds none, the whole placement is drawn again (at most
    ``attempts`` times), so the result depends on the seed alone.
    """
    num_slots = slot_node.size
    overlapping = np.bincount(slot_node)[slot_node] > 1
    for _ in range(attempts):
        order = np.lexsort((rng.random(num_slots), ~overlapping, -shares))
        free = sizes.astype(np.float64)
        community = np.full(num_slots, -1, dtype=np.int64)
        held: dict[int, list[int]] = {}
        for slot in order.tolist():
            node = int(slot_node[slot])
            fits = (free > 0) & (sizes > shares[slot])
            fits[held.get(node, [])] = False
            if not fits.any():
                break
            weights = np.where(fits, free, 0.0)
            chosen = int(np.searchsorted(np.cumsum(weights), rng.random() * weights.sum(),
                                         side="right"))
            community[slot] = chosen
            free[chosen] -= 1
            held.setdefault(node, []).append(chosen)
        else:
            return community
    raise ValueError(f"no placement of the nodes into communities of sizes {sizes.min()}-"
                     f"{sizes.max()} in {attempts} draws: every community must be larger than "
                     f"each member's internal degree there (largest {int(shares.max())}); raise "
                     "max_community or lower max_degree")


def lfr_overlap(num_nodes: int, mean_degree: float, max_degree: int, mixing: float,
                overlapping_nodes: int, memberships: int, min_community: int,
                max_community: int, degree_exponent: float = 2.0,
                community_exponent: float = 1.0, seed: int = 1
                ) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(edges, members)`` of an LFR benchmark graph with overlapping nodes.

    The construction of Lancichinetti and Fortunato's benchmark with
    overlapping communities (Phys. Rev. E 80, 016118, 2009), written here in
    NumPy:

    1. Degrees follow a power law ``k**-degree_exponent`` up to ``max_degree``;
       its lower cutoff is chosen (by bisection, on the continuous law) so the
       mean is ``mean_degree``; draws are rounded to integers.
    2. Community sizes follow a power law ``s**-community_exponent`` in
       ``[min_community, max_community]`` and sum to
       ``num_nodes + overlapping_nodes * (memberships - 1)`` member slots.
    3. ``overlapping_nodes`` random nodes belong to ``memberships`` distinct
       communities, the others to one.  A node's internal degree
       ``(1 - mixing) * degree`` (rounded up or down at random, so the mean is
       kept) is split as equally as integers allow among its communities, and
       every community is larger than each member's share in it: slots are
       placed largest share first into random communities with room.
    4. Internal links: a configuration model inside each community on the
       members' shares; external links: a configuration model on the other
       stubs of all nodes.  Self-loops, repeated links and external links
       between nodes that share a community are rewired by random swaps
       where possible; what is left of the first two is dropped.

    Approximated: degrees and sizes are rounded continuous draws; where a
    community's shares (or the external stubs) sum to an odd number one stub
    becomes external (or is dropped); the rewiring is a bounded number of
    random swaps, so a few links can be lost or join a shared community, and
    the realised degrees and mixing are close to, not exactly, the planted
    ones.

    Parameters
    ----------
    num_nodes : int
        The number of nodes.
    mean_degree : float
        The mean degree, at most ``max_degree``.
    max_degree : int
        The largest degree, below ``num_nodes``.
    mixing : float
        The share of every node's links that leave its communities, in [0, 1].
    overlapping_nodes : int
        How many nodes are in several communities, in ``[0, num_nodes]``.
    memberships : int
        How many communities each overlapping node is in (at least 2 when
        there are overlapping nodes).
    min_community, max_community : int
        The bounds of the community sizes (``max_community <= num_nodes``).
    degree_exponent : float
        The exponent of the degree distribution.
    community_exponent : float
        The exponent of the community-size distribution.
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same graph.

    Returns
    -------
    edges : numpy.ndarray
        ``(m, 2)`` int64 node ids, ``u < v``, no self-loops and no repeated pairs.
    members : numpy.ndarray
        ``(num_nodes, num_communities)`` bool: the communities of every node.

    Raises
    ------
    ValueError
        When an argument is out of its range or no valid graph can be built.
    """
    if not 0.0 <= mixing <= 1.0:
        raise ValueError(f"mixing must be in [0, 1], got {mixing}")
    if not 0 <= overlapping_nodes <= num_nodes:
        raise ValueError(f"overlapping_nodes must be in [0, num_nodes={num_nodes}], "
                         f"got {overlapping_nodes}")
    if overlapping_nodes > 0 and memberships < 2:
        raise ValueError(f"memberships must be at least 2 when overlapping_nodes > 0, "
                         f"got {memberships}")
    if not 1 <= min_community <= max_community:
        raise ValueError(f"need 1 <= min_community <= max_community, got min_community="
                         f"{min_community} and max_community={max_community}")
    if max_community > num_nodes:
        raise ValueError(f"max_community must be at most num_nodes={num_nodes}, "
                         f"got {max_community}")
    if not 1 <= max_degree < num_nodes:
        raise ValueError(f"max_degree must be in [1, num_nodes - 1], got {max_degree}")
    if not _power_law_mean(1.0, max_degree, degree_exponent) <= mean_degree <= max_degree:
        raise ValueError(f"mean_degree {mean_degree} cannot be fitted: with max_degree "
                         f"{max_degree} and degree_exponent {degree_exponent} it must be in "
                         f"[{_power_law_mean(1.0, max_degree, degree_exponent):.3g}, "
                         f"{max_degree}]")
    rng = np.random.default_rng(seed)

    low, high = 1.0, float(max_degree)
    for _ in range(100):  # the mean grows with the lower cutoff
        middle = (low + high) / 2
        if _power_law_mean(middle, max_degree, degree_exponent) < mean_degree:
            low = middle
        else:
            high = middle
    degree = np.clip(np.rint(_power_law_draws(rng, num_nodes, low, max_degree,
                                              degree_exponent)), 1, max_degree).astype(np.int64)

    slots_per_node = np.ones(num_nodes, dtype=np.int64)
    slots_per_node[rng.permutation(num_nodes)[:overlapping_nodes]] = memberships
    sizes = _community_sizes(rng, int(slots_per_node.sum()), min_community, max_community,
                             community_exponent)
    if sizes.size < slots_per_node.max():
        raise ValueError(f"{sizes.size} communities are too few for {memberships} "
                         "memberships; lower max_community")

    wanted = (1.0 - mixing) * degree
    internal = np.floor(wanted + rng.random(num_nodes)).astype(np.int64)
    slot_node = np.repeat(np.arange(num_nodes), slots_per_node)
    first_slot = np.concatenate([[0], np.cumsum(slots_per_node)[:-1]])
    rank = np.arange(slot_node.size) - first_slot[slot_node]
    # The remainder of the split goes to a random slot order of each node.
    offset = (rng.random(num_nodes) * slots_per_node).astype(np.int64)
    turn = (rank + offset[slot_node]) % slots_per_node[slot_node]
    shares = (internal[slot_node] // slots_per_node[slot_node]
              + (turn < internal[slot_node] % slots_per_node[slot_node]))
    community = _assign_communities(rng, sizes, shares, slot_node)

    members = np.zeros((num_nodes, sizes.size), dtype=bool)
    members[slot_node, community] = True
    external = degree.copy()
    taken: set[tuple[int, int]] = set()
    links: list[tuple[int, int]] = []
    for group in range(sizes.size):
        slots = np.flatnonzero(community == group)
        group_shares = shares[slots].copy()
        if group_shares.sum() % 2:  # one stub leaves the community
            odd = rng.choice(np.flatnonzero(group_shares > 0))
            group_shares[odd] -= 1
        np.subtract.at(external, slot_node[slots], group_shares)
        pairs = _pair_stubs(np.repeat(slot_node[slots], group_shares), rng, taken)
        for u, v in pairs:
            if u != v:
                taken.add((min(u, v), max(u, v)))
        links += pairs

    external = np.maximum(external, 0)
    if external.sum() % 2:
        external[rng.choice(np.flatnonzero(external > 0))] -= 1
    bits = [0] * num_nodes
    for node, group in zip(slot_node.tolist(), community.tolist(), strict=True):
        bits[node] |= 1 << group
    links += _pair_stubs(np.repeat(np.arange(num_nodes), external), rng, taken,
                         forbidden=lambda u, v: bool(bits[u] & bits[v]))

    edges = np.array(links, dtype=np.int64).reshape(-1, 2)
    edges = np.sort(edges[edges[:, 0] != edges[:, 1]], axis=1)
    return np.unique(edges, axis=0), members
