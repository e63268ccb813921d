"""Node and module positions: networkx layouts for small graphs and a
module-first layout that stays fast up to tens of thousands of nodes."""

from __future__ import annotations

from typing import Any

import numpy as np

#: Above this many nodes the default layout places modules first.
SPRING_MAX_NODES = 300
#: Modules up to this size get a force layout inside their disc.
MODULE_SPRING_MAX_NODES = 120
LAYOUTS = ("spring", "kamada_kawai", "circular", "spectral", "modules")


def _graph(num_nodes: int, source: np.ndarray, target: np.ndarray,
           weight: np.ndarray | None = None) -> Any:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(num_nodes))
    if weight is None:
        graph.add_edges_from(zip(source.tolist(), target.tolist()))
    else:
        graph.add_weighted_edges_from(zip(source.tolist(), target.tolist(), weight.tolist()))
    return graph


def _scaled(positions: np.ndarray) -> np.ndarray:
    """Centre ``positions`` and scale them into the unit disc."""
    positions = positions - positions.mean(axis=0)
    extent = np.sqrt((positions ** 2).sum(axis=1)).max() if positions.size else 0.0
    return positions / extent if extent > 0 else positions


def sunflower(count: int) -> np.ndarray:
    """Return ``count`` points spread evenly over the unit disc (Vogel's
    spiral), the first at the centre."""
    k = np.arange(count, dtype=np.float64)
    radius = np.sqrt((k + 0.5) / max(count, 1)) if count > 1 else np.zeros(count)
    angle = k * np.pi * (3.0 - np.sqrt(5.0))
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def force_layout(count: int, source: np.ndarray, target: np.ndarray, seed: int,
                 iterations: int = 50) -> np.ndarray:
    """Return ``(count, 2)`` positions of a small graph from a dense
    Fruchterman-Reingold force layout (all pairs repel, links attract),
    scaled into the unit disc.  Time and memory grow as ``count ** 2``."""
    rng = np.random.default_rng(seed)
    positions = rng.random((count, 2))
    linked = np.zeros((count, count))
    linked[source, target] = 1.0
    linked[target, source] = 1.0
    spacing = np.sqrt(1.0 / max(count, 1))
    step = 0.1
    for _ in range(iterations):
        delta = positions[:, None, :] - positions[None, :, :]
        distance = np.maximum(np.sqrt((delta ** 2).sum(axis=2)), 0.01)
        pull = spacing ** 2 / distance ** 2 - linked * distance / spacing
        shift = np.einsum("ijk,ij->ik", delta, pull)
        length = np.sqrt((shift ** 2).sum(axis=1))
        length[length < 0.01] = 0.1
        positions += shift * (step / length)[:, None]
        step -= 0.1 / (iterations + 1)
    return _scaled(positions)


def graph_layout(name: str, num_nodes: int, source: np.ndarray, target: np.ndarray,
                 seed: int) -> np.ndarray:
    """Return ``(num_nodes, 2)`` positions from a networkx layout ``name``."""
    import networkx as nx

    graph = _graph(num_nodes, source, target)
    if name == "spring":
        placed = nx.spring_layout(graph, seed=seed)
    elif name == "kamada_kawai":
        placed = nx.kamada_kawai_layout(graph)
    elif name == "circular":
        placed = nx.circular_layout(graph)
    else:
        placed = nx.spectral_layout(graph)
    return _scaled(np.array([placed[i] for i in range(num_nodes)], dtype=np.float64))


def separate_discs(centres: np.ndarray, radii: np.ndarray, padding: float,
                   iterations: int = 200) -> np.ndarray:
    """Push overlapping discs apart until none overlap (or ``iterations``
    run out); larger discs move less.  Returns the new centres."""
    centres = centres.copy()
    k = centres.shape[0]
    if k < 2:
        return centres
    area = radii ** 2
    for _ in range(iterations):
        delta = centres[:, None, :] - centres[None, :, :]
        distance = np.sqrt((delta ** 2).sum(axis=2))
        np.fill_diagonal(distance, np.inf)
        overlap = radii[:, None] + radii[None, :] + padding - distance
        np.fill_diagonal(overlap, 0.0)
        if (overlap <= 1e-12).all():
            break
        overlap = np.maximum(overlap, 0.0)
        same = ~np.isfinite(distance) | (distance < 1e-12)
        np.fill_diagonal(same, False)
        if same.any():  # coincident centres: separate along a fixed direction
            delta[same] = np.array([1.0, 0.0])
            distance = np.where(same, 1.0, distance)
        direction = delta / np.where(np.isfinite(distance), distance, 1.0)[..., None]
        share = area[None, :] / (area[:, None] + area[None, :])
        centres += ((0.5 * overlap * share)[..., None] * direction).sum(axis=1)
    return centres


def module_layout(num_modules: int, source: np.ndarray, target: np.ndarray,
                  link_flow: np.ndarray, module_share: np.ndarray, seed: int,
                  coverage: float = 0.35) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(centres, radii)`` of module discs.

    Modules linked by much flow are drawn near each other (a force layout
    of the module graph); a disc's area is proportional to
    ``module_share``; discs together cover about ``coverage`` of the
    layout's square and do not overlap.
    """
    import networkx as nx

    if num_modules == 1:
        centres = np.zeros((1, 2))
    elif num_modules == 2:
        centres = np.array([[-0.5, 0.0], [0.5, 0.0]])
    elif num_modules <= 1000:
        weight = link_flow / link_flow.max() if link_flow.size else link_flow
        graph = _graph(num_modules, source, target, weight)
        initial = sunflower(num_modules)
        placed = nx.spring_layout(graph, seed=seed, weight="weight",
                                  pos={i: initial[i] for i in range(num_modules)})
        centres = _scaled(np.array([placed[i] for i in range(num_modules)]))
    else:
        centres = sunflower(num_modules)
    share = module_share / module_share.sum() if module_share.sum() > 0 else \
        np.full(num_modules, 1.0 / num_modules)
    radii = np.sqrt(coverage * 4.0 * share / np.pi)
    centres = separate_discs(centres, radii, padding=0.15 * float(np.median(radii)))
    return centres, radii


def modules_first_layout(num_nodes: int, source: np.ndarray, target: np.ndarray,
                         labels: np.ndarray, node_flow: np.ndarray, seed: int) -> np.ndarray:
    """Return node positions with every module in a disc of its own.

    The discs come from :func:`module_layout` (area by the module's number
    of nodes); inside a disc, small modules get a force layout of their
    links and large ones a sunflower with their highest-flow nodes in the
    middle.  Costs about linear time in the number of nodes and links.
    """
    num_modules = int(labels.max()) + 1 if labels.size else 0
    sizes = np.bincount(labels, minlength=num_modules).astype(np.float64)
    between = labels[source] != labels[target]
    pair = np.minimum(labels[source[between]], labels[target[between]]) * num_modules + \
        np.maximum(labels[source[between]], labels[target[between]])
    pairs, counts = np.unique(pair, return_counts=True)
    centres, radii = module_layout(num_modules, pairs // num_modules, pairs % num_modules,
                                   counts.astype(np.float64), sizes, seed)
    positions = np.empty((num_nodes, 2))
    order = np.lexsort((np.arange(num_nodes), -node_flow, labels))
    starts = np.searchsorted(labels[order], np.arange(num_modules + 1))
    inside = ~between
    local_source, local_target = source[inside], target[inside]
    edge_order = np.argsort(labels[local_source], kind="stable")
    edge_starts = np.searchsorted(labels[local_source][edge_order], np.arange(num_modules + 1))
    local_index = np.empty(num_nodes, dtype=np.int64)
    for m in range(num_modules):
        members = order[starts[m]:starts[m + 1]]
        count = members.shape[0]
        if 3 <= count <= MODULE_SPRING_MAX_NODES:
            local_index[members] = np.arange(count)
            edges = edge_order[edge_starts[m]:edge_starts[m + 1]]
            local = force_layout(count, local_index[local_source[edges]],
                                 local_index[local_target[edges]], seed + m)
        else:
            local = sunflower(count)
        positions[members] = centres[m] + 0.92 * radii[m] * local
    return positions
