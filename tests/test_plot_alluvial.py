"""plot.alluvial: rendered with Agg and checked pixel by pixel and artist by
artist against flows counted here by hand."""

from __future__ import annotations

import time
from collections import defaultdict

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.patches import Rectangle
from plotcheck import (  # noqa: F401 - close_figures is an autouse fixture
    close_figures,
    expected_size,
    ink_fraction,
    palette_colours_seen,
    render,
)

import infomap_py
from infomap_py.plot._alluvial import SHADES, alluvial
from infomap_py.plot._common import OTHER_COLOR, PALETTE

POINTS = 24  # points per ribbon edge, as drawn


@pytest.fixture(scope="module")
def karate():
    G = nx.karate_club_graph()
    club = {v: G.nodes[v]["club"] for v in G}
    return G, club, infomap_py.cluster(G, two_level=True, seed=1)


@pytest.fixture(scope="module")
def planted():
    """5,000 nodes in 50 planted groups of 100, and the modules found."""
    G = nx.planted_partition_graph(50, 100, 0.2, 0.005, seed=1)
    truth = {v: i for i, group in enumerate(G.graph["partition"]) for v in group}
    return G, truth, infomap_py.cluster(G, two_level=True, seed=1)


def blocks_of(ax) -> dict[tuple[int, int], Rectangle]:
    """The blocks by (column, module), from their gids."""
    out = {}
    for patch in ax.patches:
        gid = patch.get_gid() or ""
        if isinstance(patch, Rectangle) and gid.startswith("alluvial-block-"):
            c, m = map(int, gid.rsplit("-", 2)[1:])
            out[c, m] = patch
    return out


def ribbons_of(ax) -> list[np.ndarray]:
    """Per gap between columns, the ribbon polygons, shape (ribbons, 2 * POINTS, 2)."""
    found = {}
    for coll in ax.collections:
        gid = coll.get_gid() or ""
        if isinstance(coll, PolyCollection) and gid.startswith("alluvial-ribbons-"):
            found[int(gid.rsplit("-", 1)[1])] = coll
    polygons = []
    for c in range(len(found)):
        paths = found[c].get_paths()
        polygons.append(np.array([p.vertices[: 2 * POINTS] for p in paths]))
    return polygons


def ribbon_colours(ax, c: int) -> np.ndarray:
    (coll,) = [x for x in ax.collections if x.get_gid() == f"alluvial-ribbons-{c}"]
    return coll.get_facecolors()


def thickness(polys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each ribbon's thickness at its left end and at its right end."""
    left = polys[:, 0, 1] - polys[:, -1, 1]
    right = polys[:, POINTS - 1, 1] - polys[:, POINTS, 1]
    return left, right


def ranked_modules(labels, weight) -> list[list[int]]:
    """Node indices of every module, largest total weight first (ties: first node)."""
    groups = defaultdict(list)
    for i, m in enumerate(labels):
        groups[m].append(i)
    return sorted(groups.values(), key=lambda g: (-sum(weight[i] for i in g), g[0]))


def shade(colour, step: int):
    """``colour`` at shade ``step``: mixed with white (SHADES > 0) or black (< 0)."""
    rgb = np.array(to_rgba(colour)[:3])
    if step == 0:
        return tuple(rgb)
    mix = SHADES[1 + (step - 1) % (len(SHADES) - 1)]
    return tuple(rgb + abs(mix) * ((1.0 if mix > 0 else 0.0) - rgb))


def expected_colours(columns, weight) -> list[list[tuple]]:
    """The colour rule spelled out: column 0 by flow rank (the palette in
    turn); a later module descends from the module of the column before
    that it shares the most flow with; the largest descendant keeps the
    colour, the others take the first free shade of its family."""
    first = ranked_modules(columns[0], weight)
    family = list(range(len(first)))
    shades = [0] * len(first)
    out = [[shade(PALETTE[f % len(PALETTE)], 0) for f in family]]
    before = columns[0]
    for labels in columns[1:]:
        module_of = {i: j for j, g in enumerate(ranked_modules(before, weight)) for i in g}
        parents = []
        for group in ranked_modules(labels, weight):
            shared = defaultdict(float)
            for i in group:
                shared[module_of[i]] += weight[i]
            parents.append(min(shared, key=lambda j: (-shared[j], j)))
        keeps = [p not in parents[:m] for m, p in enumerate(parents)]
        new_family = [family[p] for p in parents]
        new_shades = [shades[p] for p in parents]
        for m in range(len(parents)):
            if not keeps[m]:
                held = {new_shades[x] for x in range(len(parents)) if x < m or keeps[x]
                        if new_family[x] == new_family[m]}
                new_shades[m] = min(set(range(1, len(parents) + 1)) - held)
        family, shades, before = new_family, new_shades, labels
        out.append([shade(PALETTE[f % len(PALETTE)], s) for f, s in zip(family, shades)])
    return out


def same_rgb(a, b) -> bool:
    return np.allclose(to_rgba(a)[:3], to_rgba(b)[:3])


def test_karate_club_against_infomap(karate):
    G, club, res = karate
    nodes = list(G)
    labels = [[club[v] for v in nodes], res.labels.tolist()]
    share = res.flow / res.flow.sum()
    ax = alluvial(club, res, names=["club", "Infomap"], figsize=(8, 5))
    fig = ax.figure
    image = render(fig)
    assert image.shape[:2] == expected_size(fig) == (400, 640)
    assert ink_fraction(image) > 0.15

    blocks = blocks_of(ax)
    assert len([p for p in ax.patches if isinstance(p, Rectangle)]) == 2 + res.num_modules
    assert len(blocks) == 2 + res.num_modules
    colours = expected_colours(labels, share)
    for c in range(2):
        groups = ranked_modules(labels[c], share)
        for m, group in enumerate(groups):
            assert blocks[c, m].get_height() == pytest.approx(share[group].sum())
            assert same_rgb(blocks[c, m].get_facecolor(), colours[c][m])
    distinct = {colour for column in colours for colour in column}
    assert palette_colours_seen(image, palette=list(distinct)) == len(distinct) >= 3

    (polys,) = ribbons_of(ax)
    left, right = thickness(polys)
    assert left.sum() == pytest.approx(1.0) and np.allclose(left, right)
    pairs = defaultdict(float)
    for i in range(len(nodes)):
        pairs[labels[0][i], labels[1][i]] += share[i]
    assert sorted(left) == pytest.approx(sorted(pairs.values()))
    # Ribbons take their left block's colour, see-through, and leave it
    # between its top and bottom; blocks stand `gap` apart.
    for poly, colour in zip(polys, ribbon_colours(ax, 0)):
        block = block_at(blocks, 0, (poly[0, 1] + poly[-1, 1]) / 2)
        assert same_rgb(colour, block.get_facecolor()) and 0 < colour[3] < 1
        assert block.get_y() - 1e-12 <= poly[-1, 1] < poly[0, 1] <= block.get_y() + \
            block.get_height() + 1e-12
        assert poly[0, 0] == pytest.approx(block.get_x() + block.get_width())
    for c in range(2):
        column = sorted((b for (col, _), b in blocks.items() if col == c), key=Rectangle.get_y)
        for lower, upper in zip(column, column[1:]):
            assert upper.get_y() - (lower.get_y() + lower.get_height()) == pytest.approx(0.02)
    titles = {t.get_text() for t in ax.texts}
    assert {"club", "Infomap"} <= titles
    assert not ax.get_xticks().size and not ax.get_yticks().size


def test_default_titles_weights_and_labels(karate):
    G, club, res = karate
    ax = alluvial(res, club)
    titles = [t.get_text() for t in ax.texts]
    assert f"Infomap ({res.num_modules} modules)" in titles and "partition 2" in titles
    # Weights default to the result's flow, whichever column it is in.
    heights = sorted(b.get_height() for (c, _), b in blocks_of(ax).items() if c == 1)
    hi = sum(f for v, f in zip(res.nodes, res.flow) if club[v] == "Mr. Hi")
    assert heights == pytest.approx(sorted([hi, 1 - hi]))
    assert any(t.get_text().startswith("1: ") and t.get_text().endswith("%") for t in ax.texts)

    # Without a result, every node weighs 1; flow= overrides.
    truth = [club[v] for v in G]
    ax = alluvial(truth, res.labels)
    counts = sorted(b.get_height() for (c, _), b in blocks_of(ax).items() if c == 0)
    assert counts == pytest.approx(sorted([17 / 34, 17 / 34]))
    flow = np.arange(1.0, 35.0)
    ax = alluvial(truth, res.labels, flow=flow)
    (top,) = [b for (c, m), b in blocks_of(ax).items() if (c, m) == (0, 0)]
    assert top.get_height() == pytest.approx(max(
        flow[[i for i, v in enumerate(truth) if v == x]].sum() for x in set(truth)) / flow.sum())

    # No label below label_min_share, all above it.
    ax = alluvial(truth, res.labels, label_min_share=1.0)
    assert not [t for t in ax.texts if t.get_text().endswith("%")]


def block_at(blocks, c: int, y: float) -> Rectangle:
    (hit,) = [b for (col, _), b in blocks.items() if col == c
              and b.get_y() - 1e-9 <= y <= b.get_y() + b.get_height() + 1e-9]
    return hit


@pytest.mark.parametrize("relabel", ["same", "dict", "renumbered", "sets"])
def test_identical_partitions_draw_straight_same_colour_ribbons(karate, relabel):
    G, _, res = karate
    other = {
        "same": res,
        "dict": res.as_dict(),
        "renumbered": [f"m{7 - m}" for m in res.labels.tolist()],
        "sets": list(reversed(res.modules)),
    }[relabel]
    ax = alluvial(res, other)
    blocks = blocks_of(ax)
    (polys,) = ribbons_of(ax)
    assert len(polys) == res.num_modules
    face = ribbon_colours(ax, 0)
    for poly, colour in zip(polys, face):
        assert np.allclose(poly[:POINTS, 1], poly[0, 1])  # flat: no crossing
        mid_left = (poly[0, 1] + poly[-1, 1]) / 2
        mid_right = (poly[POINTS - 1, 1] + poly[POINTS, 1]) / 2
        a, b = block_at(blocks, 0, mid_left), block_at(blocks, 1, mid_right)
        assert same_rgb(a.get_facecolor(), b.get_facecolor())
        assert same_rgb(colour, a.get_facecolor())
        assert 0 < colour[3] < 1  # ribbons are see-through
        assert a.get_height() == pytest.approx(b.get_height())


def shade_of(colour, parent) -> float:
    """How far ``colour`` lies from ``parent`` toward white (> 0) or black
    (< 0); NaN when it is no mix of ``parent`` with white or black."""
    c, p = np.array(to_rgba(colour)[:3]), np.array(to_rgba(parent)[:3])
    for toward, sign in ((1.0, 1.0), (0.0, -1.0)):
        span = toward - p
        t = np.dot(c - p, span) / max(np.dot(span, span), 1e-12)
        if 0.0 < t < 1.0 and np.allclose(c, p + t * span, atol=1e-9):
            return sign * t
    return 0.0 if np.allclose(c, p) else float("nan")


def test_split_module_keeps_its_colour_and_order_follows_flow():
    a = [0] * 5 + [1] * 5
    b = [7, 7, 7, 8, 8, 9, 9, 9, 9, 9]  # 9 = a's module 1; 7 and 8 split a's module 0
    ax = alluvial(a, b)
    blocks = blocks_of(ax)
    colour = {key: block.get_facecolor() for key, block in blocks.items()}
    assert same_rgb(colour[0, 0], PALETTE[0]) and same_rgb(colour[0, 1], PALETTE[1])
    assert same_rgb(colour[1, 0], PALETTE[1])  # module 9 (largest) matches a's module 1
    assert same_rgb(colour[1, 1], PALETTE[0])  # module 7, the larger piece of a's module 0
    assert shade_of(colour[1, 2], PALETTE[0]) > 0.2  # module 8, the smaller: lighter indigo
    # Right column ordered to follow the left: 7 and 8 (from a's top block) above 9.
    tops = {m: blocks[1, m].get_y() for m in range(3)}
    assert tops[1] > tops[2] > tops[0]
    (polys,) = ribbons_of(ax)
    left, right = thickness(polys)
    assert sorted(left) == pytest.approx([0.2, 0.3, 0.5])
    # Each ribbon is a smooth S: monotone, flat where it meets the blocks.
    bent = [p for p in polys if abs(p[POINTS - 1, 1] - p[0, 1]) > 0.01]
    assert bent
    for poly in bent:
        step = np.diff(poly[:POINTS, 1])
        assert (step * np.sign(step.sum()) >= 0).all()
        middle = abs(step[POINTS // 2])
        assert abs(step[0]) < middle / 5 and abs(step[-1]) < middle / 5

    # A custom palette and a colormap work too; a short palette is never grey.
    ax = alluvial(a, b, palette=["red", "blue"])
    colour = {key: block.get_facecolor() for key, block in blocks_of(ax).items()}
    assert same_rgb(colour[1, 0], "blue") and shade_of(colour[1, 2], "red") > 0.2
    ax = alluvial(a, b, palette="viridis")
    colour = {key: block.get_facecolor() for key, block in blocks_of(ax).items()}
    assert len(colour) == 5 and same_rgb(colour[1, 1], colour[0, 0])
    assert shade_of(colour[1, 2], colour[0, 0]) > 0.2


def test_split_pieces_keep_their_family_colour_over_three_columns():
    """A module splits in three, then a piece splits again: every piece is
    its ancestor's colour (the largest exactly, the others lighter or
    darker), the shades of one family all differ, and no piece is grey."""
    a = [0] * 12 + [1] * 8
    b = [0] * 6 + [1] * 4 + [2] * 2 + [3] * 8  # a's module 0 splits 6 / 4 / 2
    c = [0] * 3 + [4] * 3 + [1] * 4 + [2] * 2 + [3] * 8  # b's largest piece splits 3 / 3
    ax = alluvial(a, b, c)
    colour = {key: block.get_facecolor() for key, block in blocks_of(ax).items()}
    indigo, sand = PALETTE[0], PALETTE[1]
    # Column 1: modules by flow are 3 (8 nodes, from a's 1), 0 (6), 1 (4), 2 (2).
    assert same_rgb(colour[1, 0], sand) and same_rgb(colour[1, 1], indigo)
    pieces = [shade_of(colour[1, m], indigo) for m in (2, 3)]
    assert all(np.isfinite(pieces)) and 0.0 not in pieces and len(set(pieces)) == 2
    # Column 2: 3 (8), 1 (4), then the two halves of b's module 0 (3 each), then 2 (2).
    assert same_rgb(colour[2, 0], sand) and same_rgb(colour[2, 1], colour[1, 2])
    halves = [shade_of(colour[2, m], indigo) for m in (2, 3)]
    assert 0.0 in halves  # one half keeps indigo exactly
    family = [shade_of(colour[2, m], indigo) for m in (1, 2, 3, 4)]
    assert all(np.isfinite(family)) and len(set(family)) == 4  # all told apart
    grey = to_rgba(OTHER_COLOR)
    assert not any(same_rgb(x, grey) for x in colour.values())
    # The rule as spelled out in expected_colours.
    expected = expected_colours([a, b, c], np.ones(20) / 20)
    for (col, m), x in colour.items():
        assert same_rgb(x, expected[col][m])


def test_more_modules_than_colours_repeat_the_palette_in_turn():
    sizes = np.arange(60, 60 - len(PALETTE) - 7, -1)  # 25 modules, distinct sizes
    labels = np.repeat(np.arange(sizes.size), sizes)
    ax = alluvial(labels, labels.copy())
    blocks = blocks_of(ax)
    assert len(blocks) == 2 * sizes.size
    for m in range(sizes.size):
        expected = PALETTE[m % len(PALETTE)]  # stacked neighbours differ, none is grey
        assert same_rgb(blocks[0, m].get_facecolor(), expected)
        assert same_rgb(blocks[1, m].get_facecolor(), expected)


def test_sequence_argument_and_alignment(karate):
    G, club, res = karate
    fine = res.labels * 2 + np.arange(34) % 2
    base = alluvial(club, res, fine)
    polys = ribbons_of(base)
    assert len(polys) == 2
    for gap in polys:
        left, right = thickness(gap)
        assert left.sum() == pytest.approx(1.0) and right.sum() == pytest.approx(1.0)
    for args in ([club, res, fine], (club, res, fine), iter([club, res, fine])):
        again = ribbons_of(alluvial(args))
        assert all(np.allclose(x, y) for x, y in zip(polys, again))
    # Label sequences read in the order of `nodes`; results and dicts align by node.
    order = list(reversed(list(G)))
    flipped = alluvial([club[v] for v in order], res, fine[::-1], nodes=order)
    assert all(np.allclose(x, y) for x, y in zip(polys, ribbons_of(flipped)))


def test_draws_on_given_axes(karate):
    _, club, res = karate
    fig, (ax1, ax2) = plt.subplots(1, 2)
    assert alluvial(club, res, ax=ax2) is ax2
    assert plt.get_fignums() == [fig.number]
    assert not ax1.patches and len(ax2.patches) == 2 + res.num_modules


def test_five_thousand_nodes_render_in_seconds(planted):
    G, truth, res = planted
    start = time.perf_counter()
    ax = alluvial(truth, res, names=["planted", "Infomap"])
    image = render(ax.figure)
    seconds = time.perf_counter() - start
    assert seconds < 4.0
    assert ink_fraction(image) > 0.1
    assert len(blocks_of(ax)) == 50 + res.num_modules
    (polys,) = ribbons_of(ax)
    assert thickness(polys)[0].sum() == pytest.approx(1.0)

    # Three columns, the last with about 250 modules.
    rng = np.random.default_rng(0)
    fine = res.labels * 5 + rng.integers(0, 5, res.num_nodes)
    start = time.perf_counter()
    ax = alluvial([truth, res, fine])
    render(ax.figure)
    seconds = time.perf_counter() - start
    assert seconds < 5.0
    num_fine = np.unique(fine).size
    assert num_fine > 200
    assert len(blocks_of(ax)) == 50 + res.num_modules + num_fine
    for gap in ribbons_of(ax):
        left, right = thickness(gap)
        assert left.sum() == pytest.approx(1.0) and np.allclose(left, right)
    # The gaps of a column of many modules shrink so its blocks stay visible.
    column = [b for (c, _), b in blocks_of(ax).items() if c == 2]
    span = max(b.get_y() + b.get_height() for b in column) - min(b.get_y() for b in column)
    assert span <= 1.5 + 1e-9


def test_bad_input_errors(karate):
    G, club, res = karate
    with pytest.raises(ValueError, match="at least two partitions, got one"):
        alluvial(res)
    with pytest.raises(ValueError, match="at least two partitions, got 1"):
        alluvial([res])
    with pytest.raises(ValueError, match="at least two partitions, got 0"):
        alluvial()
    with pytest.raises(ValueError, match=r"partition 2 has 10 labels for 34 nodes"):
        alluvial(res, np.zeros(10, dtype=int))
    other = infomap_py.cluster(nx.barbell_graph(5, 0), two_level=True, seed=1)
    with pytest.raises(ValueError, match=r"partition 2 \('Infomap \(2 modules\)'\) has no "
                                         r"module for node 10"):
        alluvial(res, other)
    shifted = infomap_py.cluster(nx.relabel_nodes(G, {0: 99}), two_level=True, seed=1)
    with pytest.raises(ValueError, match=r"partition 2 .* holds node 99, which is not among "
                                         r"the nodes of partition 1"):
        alluvial(res, shifted)
    partial = {v: m for v, m in club.items() if v != 5}
    with pytest.raises(ValueError, match=r"partition 2 \('truth'\) has no module for node 5"):
        alluvial(res, partial, names=["found", "truth"])
    with pytest.raises(ValueError, match=r"partition 2: node 0 is in more than one community"):
        alluvial(res, [set(range(34)), {0}])
    with pytest.raises(ValueError, match="flow must be non-negative"):
        alluvial(res, club, flow=-np.ones(34))
    with pytest.raises(ValueError, match="flow must be finite"):
        alluvial(res, club, flow=np.full(34, np.nan))
    with pytest.raises(ValueError, match=r"flow must hold one value per node \(34\)"):
        alluvial(res, club, flow=np.ones(5))
    with pytest.raises(ValueError, match="flow must not be all zero"):
        alluvial(res, club, flow=np.zeros(34))
    with pytest.raises(ValueError, match=r"names must hold one name per partition \(2\), got 3"):
        alluvial(res, club, names=["a", "b", "c"])
    with pytest.raises(TypeError, match="partition 2 must be an InfomapResult"):
        alluvial(res, 3.5)
    with pytest.raises(TypeError, match="partition 2 must be an InfomapResult"):
        alluvial(res, np.zeros((34, 2), dtype=int))
    with pytest.raises(ValueError, match=r"gap must be a number in \[0, inf\), got -1"):
        alluvial(res, club, gap=-1)
    with pytest.raises(ValueError, match=r"width must be a number in \(0, 1\), got 1.5"):
        alluvial(res, club, width=1.5)
    with pytest.raises(ValueError, match=r"nodes must not repeat a node"):
        alluvial(res, club, nodes=[0] * 34)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        alluvial(res, club, ax="left")
