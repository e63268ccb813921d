"""Pictures of higher-order results: plot.network draws a state network's
physical nodes (overlapping ones as pies), plot.alluvial(result, by="layer")
compares a multilayer result's layers.  Checked artist by artist and on
rendered pixels."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.colors import to_rgba
from plotcheck import close_figures, colour_pixels, render  # noqa: F401 - autouse fixture

import infomap_py
from infomap_py import Network, StateNetwork, plot
from infomap_py.plot._common import PALETTE
from infomap_py.plot._states import physical_network

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from generators import second_order_network  # noqa: E402

#: Points along each edge of a ribbon (infomap_py.plot._alluvial._RIBBON_POINTS).
POINTS = 24


def state_network(links, physical, num_physical, layer=None, directed=False) -> StateNetwork:
    links = np.asarray(links, dtype=np.int64)
    n = len(physical)
    net = Network(links[:, 0], links[:, 1], np.ones(links.shape[0]), n, directed, range(n))
    return StateNetwork(net, np.asarray(physical, dtype=np.int64), range(num_physical),
                        layer=None if layer is None else np.asarray(layer, dtype=np.int64))


@pytest.fixture(scope="module")
def clique_and_triangle():
    """Physical node 0 has a state in a 4-clique (states 0-3, physical 0-3)
    and one in a triangle (states 4-6, physical 0, 4, 5): 3/5 of its flow
    is in the clique's module, 2/5 in the triangle's."""
    clique = [(a, b) for a in range(4) for b in range(a + 1, 4)]
    links = clique + [(4, 5), (5, 6), (6, 4)]
    states = state_network(links, [0, 1, 2, 3, 0, 4, 5], 6)
    result = infomap_py.cluster(states, seed=1)
    assert result.num_modules == 2
    assert list(result.labels) == [0, 0, 0, 0, 1, 1, 1]  # the clique has more flow
    return states, result


@pytest.fixture(scope="module")
def memory():
    """A second-order network on 60 nodes in 3 planted groups: physical
    nodes on group borders are in several modules."""
    links, physical, _ = second_order_network(60, 3, 6, 0.3, memory=0.98, seed=3)
    n = physical.shape[0]
    net = Network(links[:, 0].astype(np.int64), links[:, 1].astype(np.int64), links[:, 2], n,
                  True, range(n))
    result = infomap_py.cluster(StateNetwork(net, physical, range(60)), two_level=True, seed=1)
    return result


def pies_of(ax) -> PathCollection:
    (pies,) = [c for c in ax.collections if c.get_gid() == "network-pies"]
    return pies


def discs_of(ax) -> PathCollection:
    (discs,) = [c for c in ax.collections
                if isinstance(c, PathCollection) and c.get_gid() != "network-pies"]
    return discs


def area(vertices: np.ndarray) -> float:
    """The area of a closed polygon (shoelace)."""
    x, y = vertices[:, 0], vertices[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def arc_span(vertices: np.ndarray) -> tuple[float, float]:
    """The start and end angle in degrees, counter-clockwise from the top,
    of a wedge's arc (the end may pass 360)."""
    arc = vertices[np.hypot(vertices[:, 0], vertices[:, 1]) > 0.25]
    angles = np.unwrap(np.arctan2(-arc[:, 0], arc[:, 1]))
    start = np.round(np.degrees(angles[0]), 9) % 360.0
    return start, start + np.degrees(angles[-1] - angles[0])


# --- plot.network on a state network ---------------------------------------------

def test_overlapping_node_is_a_pie_of_its_module_shares(clique_and_triangle):
    states, result = clique_and_triangle
    ax = plot.network(result, layout="circular")
    pies = pies_of(ax)
    paths = pies.get_paths()
    assert len(paths) == 2  # node 0, once per module
    full = np.pi * 0.5 ** 2
    assert area(paths[0].vertices) == pytest.approx(0.6 * full, rel=0.01)
    assert area(paths[1].vertices) == pytest.approx(0.4 * full, rel=0.01)
    # Largest share first, from the top counter-clockwise: 0..216 then 216..360 degrees.
    assert arc_span(paths[0].vertices) == pytest.approx((0.0, 216.0))
    assert arc_span(paths[1].vertices) == pytest.approx((216.0, 360.0))
    expected = plot.module_colors(2)
    assert np.allclose(pies.get_facecolors(), expected[[0, 1]])
    # Both wedges sit on node 0 and are as large as a disc of its flow.
    positions = nx.circular_layout(nx.path_graph(6))
    assert np.allclose(pies.get_offsets(), [positions[0], positions[0]])
    discs = discs_of(ax)
    flow = np.array([5, 3, 3, 3, 2, 2]) / 18.0
    assert np.allclose(np.sort(discs.get_sizes()) / pies.get_sizes()[0],
                       np.sort(flow[1:]) / flow[0])


def test_single_module_nodes_are_discs_in_their_module_colour(clique_and_triangle):
    states, result = clique_and_triangle
    ax = plot.network(states, result, labels=False)
    discs = discs_of(ax)
    assert discs.get_offsets().shape == (5, 2)  # physical nodes 1-5
    colours = discs.get_facecolors()
    expected = plot.module_colors(2)
    # Drawn by increasing flow: 4, 5 (triangle, flow 2/18), then 1, 2, 3 (clique, 3/18).
    assert np.allclose(colours, expected[[1, 1, 0, 0, 0]])


def test_pie_pixels_show_both_module_colours(clique_and_triangle):
    _, result = clique_and_triangle
    fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
    plot.network(result, ax=ax, layout="circular", labels=False, legend=0, node_size=4.0)
    image = render(fig, dpi=100)
    x, y = ax.transData.transform(nx.circular_layout(nx.path_graph(6))[0])
    row, col = int(round(image.shape[0] - y)), int(round(x))
    window = image[row - 12:row + 13, col - 12:col + 13]
    indigo, sand = colour_pixels(window, PALETTE[0]), colour_pixels(window, PALETTE[1])
    assert indigo > 20 and sand > 20
    assert indigo / sand == pytest.approx(0.6 / 0.4, rel=0.35)


def test_physical_links_are_state_links_summed():
    # States 0-1 and 2-3 both join physical nodes 0 and 1; 4-5 joins 1 and 2.
    states = state_network([(0, 1), (3, 2), (4, 5)], [0, 1, 0, 1, 1, 2], 3)
    net = physical_network(states)
    assert net.num_nodes == 3 and not net.directed
    links = {(int(s), int(t)): float(w) for s, t, w in zip(net.source, net.target, net.weight)}
    assert links == {(0, 1): 2.0, (1, 2): 1.0}
    ax = plot.network(infomap_py.cluster(states, seed=1))
    (lines,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(lines.get_segments()) == 2


def test_memory_network_pies_match_physical_module_flow(memory):
    result = memory
    ax = plot.network(result, labels=False)
    module, physical, flow = result.physical_module_flow(1)
    counts = np.bincount(physical, minlength=60)
    overlapping = np.flatnonzero(counts > 1)
    assert overlapping.size > 5
    pies = pies_of(ax)
    assert len(pies.get_paths()) == int(counts[overlapping].sum())
    assert len(discs_of(ax).get_offsets()) == int((counts == 1).sum())
    colours = plot.module_colors(result.num_modules)
    rows = np.isin(physical, overlapping)
    expected = {(int(p), tuple(colours[m])): f / flow[physical == p].sum()
                for m, p, f in zip(module[rows], physical[rows], flow[rows])}
    offsets = pies.get_offsets()
    node_at = {tuple(np.round(o, 9)): i for i, o in enumerate(offsets)}
    assert len(node_at) == overlapping.size  # every pie at its own place
    full = np.pi * 0.25
    wedge_node = np.unique(np.round(offsets, 9), axis=0, return_inverse=True)[1].ravel()
    by_node = {}
    for k, (path, face) in enumerate(zip(pies.get_paths(), pies.get_facecolors())):
        by_node.setdefault(int(wedge_node[k]), {})[tuple(face)] = area(path.vertices) / full
    got = sorted(sorted(shares.values()) for shares in by_node.values())
    want = {}
    for (p, face), share in expected.items():
        want.setdefault(p, {})[face] = share
    want_sorted = sorted(sorted(shares.values()) for shares in want.values())
    assert len(got) == len(want_sorted)
    for g, w in zip(got, want_sorted):
        assert np.allclose(g, w, atol=0.02)
    assert "physical nodes" in ax.get_title() and f"{overlapping.size} in several" in ax.get_title()


def test_network_arguments_for_state_results(clique_and_triangle):
    states, result = clique_and_triangle
    ax = plot.network(None, result, legend=0)
    assert len(pies_of(ax).get_paths()) == 2
    other = state_network([(0, 1)], [0, 1], 2)
    with pytest.raises(ValueError, match="3 states|7 states"):
        plot.network(other, result)
    with pytest.raises(ValueError, match="state network"):
        plot.network(nx.path_graph(7), result)
    G = nx.karate_club_graph()
    first_order = infomap_py.cluster(G, seed=1)
    with pytest.raises(ValueError, match="G is needed"):
        plot.network(first_order)
    with pytest.raises(ValueError, match="first-order"):
        plot.network(states, first_order)
    with pytest.raises(TypeError, match="InfomapResult"):
        plot.network(states, "modules")


# --- plot.alluvial(result, by="layer") ---------------------------------------------

@pytest.fixture(scope="module")
def two_layers():
    """Layer 1: triangles {0, 1, 2} and {3, 4, 5}; layer 2: a 4-clique
    {0, 1, 2, 3} and a pair {4, 5}.  No inter-layer links, so each
    triangle, the clique and the pair are modules of their own."""
    layer1 = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)]
    layer2 = [(6 + a, 6 + b) for a in range(4) for b in range(a + 1, 4)] + [(10, 11)]
    states = state_network(layer1 + layer2, list(range(6)) * 2, 6, layer=[1] * 6 + [2] * 6)
    result = infomap_py.cluster(states, seed=1)
    assert result.num_modules == 4
    return result


def layer_blocks(ax) -> dict[tuple[int, int], object]:
    out = {}
    for patch in ax.patches:
        gid = patch.get_gid() or ""
        if gid.startswith("alluvial-block-"):
            c, m = map(int, gid.rsplit("-", 2)[1:])
            out[c, m] = patch
    return out


def layer_ribbons(ax, c: int) -> np.ndarray:
    (coll,) = [x for x in ax.collections if isinstance(x, PolyCollection)
               and x.get_gid() == f"alluvial-ribbons-{c}"]
    return np.array([p.vertices[: 2 * POINTS] for p in coll.get_paths()])


def test_layer_alluvial_has_one_column_per_layer_with_module_heights(two_layers):
    result = two_layers
    ax = plot.alluvial(result, by="layer")
    blocks = layer_blocks(ax)
    # Modules by flow: clique (12/26), the triangles (6/26 each), the pair (2/26).
    labels = result.labels
    clique, pair = labels[6], labels[10]
    tri_a, tri_b = labels[0], labels[3]
    assert sorted(blocks) == sorted([(0, tri_a), (0, tri_b), (1, clique), (1, pair)])
    assert {round(p.get_x() + p.get_width() / 2, 9) for p in blocks.values()} == {0.0, 1.0}
    assert blocks[0, tri_a].get_height() == pytest.approx(0.5)
    assert blocks[1, clique].get_height() == pytest.approx(12 / 14)
    assert blocks[1, pair].get_height() == pytest.approx(2 / 14)
    colours = plot.module_colors(result.num_modules)
    for (c, m), patch in blocks.items():
        assert np.allclose(patch.get_facecolor(), colours[m])
    titles = [t.get_text() for t in ax.texts if t.get_text().startswith("layer")]
    assert titles == ["layer 1\n(2 modules)", "layer 2\n(2 modules)"]


def test_layer_ribbons_join_the_same_physical_nodes(two_layers):
    result = two_layers
    ax = plot.alluvial(result, by="layer")
    verts = layer_ribbons(ax, 0)
    left = verts[:, 0, 1] - verts[:, -1, 1]  # thickness at the left end
    right = verts[:, POINTS - 1, 1] - verts[:, POINTS, 1]  # at the right end
    # Triangle {0,1,2} -> clique; node 3: triangle {3,4,5} -> clique; 4, 5 -> pair.
    got = sorted(zip(np.round(left, 9), np.round(right, 9)))
    want = sorted([(round(6 / 12, 9), round(9 / 14, 9)), (round(2 / 12, 9), round(3 / 14, 9)),
                   (round(4 / 12, 9), round(2 / 14, 9))])
    assert got == want
    # Ribbons start inside their left block and end inside their right block.
    blocks = layer_blocks(ax)
    for k in range(verts.shape[0]):
        top_left, top_right = verts[k, 0, 1], verts[k, POINTS - 1, 1]
        assert any(b.get_y() - 1e-9 <= top_left - left[k] and top_left <= b.get_y()
                   + b.get_height() + 1e-9 for (c, _), b in blocks.items() if c == 0)
        assert any(b.get_y() - 1e-9 <= top_right - right[k] and top_right <= b.get_y()
                   + b.get_height() + 1e-9 for (c, _), b in blocks.items() if c == 1)


def test_layer_alluvial_heights_follow_the_result_with_inter_layer_links():
    # Three layers of 6 physical nodes: two triangles per layer, node 2 moving
    # from the first group to the second in the middle layer, and every
    # node's states linked between consecutive layers.
    links, layers, physical = [], [], []
    for lay in range(3):
        base = 6 * lay
        move = 2 if lay == 1 else None
        a = [0, 1, 2] if move is None else [0, 1]
        b = [3, 4, 5] if move is None else [2, 3, 4, 5]
        for group in (a, b):
            links += [(base + u, base + v) for i, u in enumerate(group) for v in group[i + 1:]]
        layers += [lay + 1] * 6
        physical += list(range(6))
        if lay:
            links += [(base - 6 + p, base + p) for p in range(6)]
    states = state_network(links, physical, 6, layer=layers)
    result = infomap_py.cluster(states, seed=1)
    ax = plot.alluvial(result, by="layer", names=["a", "b", "c"])
    blocks = layer_blocks(ax)
    layer = np.asarray(layers)
    for c in range(3):
        sel = layer == c + 1
        share = np.bincount(result.labels[sel], weights=result.flow[sel],
                            minlength=result.num_modules) / result.flow[sel].sum()
        got = {m: b.get_height() for (cc, m), b in blocks.items() if cc == c}
        assert got == pytest.approx({m: s for m, s in enumerate(share) if s > 0})
    assert len([x for x in ax.collections if isinstance(x, PolyCollection)]) == 2
    assert [t.get_text() for t in ax.texts if t.get_text() in "abc"] == ["a", "b", "c"]


def test_layer_alluvial_errors(two_layers, clique_and_triangle):
    _, no_layers = clique_and_triangle
    with pytest.raises(ValueError, match="without layers"):
        plot.alluvial(no_layers, by="layer")
    first_order = infomap_py.cluster(nx.karate_club_graph(), seed=1)
    with pytest.raises(ValueError, match="first-order"):
        plot.alluvial(first_order, by="layer")
    one_layer = state_network([(0, 1), (1, 2)], [0, 1, 2], 3, layer=[4, 4, 4])
    with pytest.raises(ValueError, match="at least two layers"):
        plot.alluvial(infomap_py.cluster(one_layer, seed=1), by="layer")
    with pytest.raises(ValueError, match="by must be"):
        plot.alluvial(two_layers, by="layers")
    with pytest.raises(ValueError, match="nodes or flow"):
        plot.alluvial(two_layers, by="layer", flow=np.ones(12))
    with pytest.raises(TypeError, match="one InfomapResult"):
        plot.alluvial(two_layers, two_layers, by="layer")
    with pytest.raises(ValueError, match="one name per partition"):
        plot.alluvial(two_layers, by="layer", names=["only one"])


def test_layer_alluvial_colours_match_network_pies(two_layers):
    """The same module has the same colour in both pictures."""
    result = two_layers
    ax = plot.alluvial(result, by="layer", palette=["red", "blue", "green", "black"])
    colours = {m: tuple(b.get_facecolor()) for (_, m), b in layer_blocks(ax).items()}
    assert colours[result.labels[6]] == to_rgba("red")  # the clique: most flow
    assert colours[result.labels[10]] == to_rgba("black")  # the pair: least
