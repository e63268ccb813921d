"""plot.tree (icicle and sunburst of the module tree) and plot.codelength."""

from __future__ import annotations

import dataclasses
import time

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from plotcheck import (  # noqa: F401 - close_figures is an autouse fixture
    close_figures,
    colour_pixels,
    expected_size,
    ink_fraction,
    palette_colours_seen,
    render,
)

import infomap_py
from infomap_py.plot._common import PALETTE
from infomap_py.plot._tree import _HOLE, codelength, tree

DPI = 80


@pytest.fixture(scope="module")
def karate():
    return infomap_py.cluster(nx.karate_club_graph(), trials=4, seed=1)


@pytest.fixture(scope="module")
def karate_two_level():
    return infomap_py.cluster(nx.karate_club_graph(), trials=2, seed=1, two_level=True)


def nested_blocks(groups=8, subgroups=8, size=80, k_sub=10.0, k_group=2.0, k_out=0.3, seed=1):
    """Edges of a two-level planted hierarchy: ``groups`` groups of
    ``subgroups`` subgroups of ``size`` nodes; every node has about
    ``k_sub`` links inside its subgroup, ``k_group`` inside its group and
    ``k_out`` anywhere."""
    rng = np.random.default_rng(seed)
    n = groups * subgroups * size
    subgroup = np.arange(n) // size
    group = subgroup // subgroups
    edges = []
    for block, block_size, k in ((subgroup, size, k_sub), (group, subgroups * size, k_group),
                                 (np.zeros(n, dtype=np.int64), n, k_out)):
        m = int(n * k / 2)
        u = rng.integers(0, n, m)
        v = block[u] * block_size + rng.integers(0, block_size, m)
        edges.append(np.column_stack([u, v]))
    edges = np.concatenate(edges)
    return edges[edges[:, 0] != edges[:, 1]]


@pytest.fixture(scope="module")
def deep():
    result = infomap_py.cluster(nested_blocks(), seed=1)
    assert result.num_nodes == 5120
    assert result.num_levels >= 3
    return result


def blocks(ax):
    """The blocks of a tree picture: the paths of its first collection."""
    assert len(ax.collections) == 1
    return ax.collections[0].get_paths()


def icicle_rows(ax):
    """Every block of an icicle as ``(x0, x1)``, grouped by row from the top."""
    rows: dict[float, list] = {}
    for path in blocks(ax):
        box = path.get_extents()
        assert box.y1 - box.y0 == pytest.approx(1.0)
        rows.setdefault(round(box.y0, 6), []).append((box.x0, box.x1))
    return [sorted(rows[y]) for y in sorted(rows, reverse=True)]


def drawn_shares(result, max_depth=None, min_share=0.0):
    """The flow share of every module that should be drawn, by depth (a
    naive walk of the tree, independent of the plotting code)."""
    t = result.tree
    total = t.flow[t.parent == 0].sum()
    keep = {0: True}
    shares: dict[int, list] = {}
    for m in range(1, t.parent.shape[0]):
        d = int(t.depth[m])
        keep[m] = (keep[int(t.parent[m])] and t.flow[m] / total >= min_share
                   and (max_depth is None or d <= max_depth))
        if keep[m]:
            shares.setdefault(d, []).append(t.flow[m] / total)
    return [sorted(shares[d]) for d in sorted(shares)]


def check_image(ax, figsize):
    fig = ax.figure
    image = render(fig, dpi=DPI)
    assert image.shape[:2] == expected_size(fig, dpi=DPI)
    assert image.shape[:2] == (round(figsize[1] * DPI), round(figsize[0] * DPI))
    assert ink_fraction(image) > 0.2
    return image


# -- tree -------------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["karate", "karate_two_level"])
def test_icicle_karate(which, request):
    result = request.getfixturevalue(which)
    ax = tree(result, figsize=(6, 4))
    image = check_image(ax, (6, 4))
    num_tree = result.tree.parent.shape[0]
    assert len(blocks(ax)) == num_tree - 1  # every module but the root
    assert palette_colours_seen(image) == min(result.num_top_modules, len(PALETTE))
    rows = icicle_rows(ax)
    assert len(rows) == result.num_levels - 1
    for row in rows:
        assert sum(x1 - x0 for x0, x1 in row) == pytest.approx(1.0, abs=1e-9)
        # Side by side, without gaps or overlaps.
        assert row[0][0] == pytest.approx(0.0, abs=1e-12)
        for (_, end), (begin, _) in zip(row, row[1:]):
            assert begin == pytest.approx(end, abs=1e-12)
    widths = sorted(x1 - x0 for x0, x1 in rows[0])
    np.testing.assert_allclose(widths, drawn_shares(result)[0], atol=1e-12)
    top_shares = np.sort(result.module_flow / result.module_flow.sum())
    np.testing.assert_allclose(widths, top_shares, atol=1e-12)


def test_two_level_draws_one_row(karate_two_level):
    assert karate_two_level.num_levels == 2
    assert len(icicle_rows(tree(karate_two_level))) == 1
    ax = tree(karate_two_level, style="sunburst")
    assert len(blocks(ax)) == karate_two_level.num_top_modules


def test_sunburst_karate(karate):
    ax = tree(karate, style="sunburst", figsize=(5, 5))
    image = check_image(ax, (5, 5))
    assert len(blocks(ax)) == karate.tree.parent.shape[0] - 1
    assert palette_colours_seen(image) == min(karate.num_top_modules, len(PALETTE))
    # The wedges fill the ring: their areas add up to the ring's.
    area = sum(abs(_polygon_area(p)) for p in blocks(ax))
    assert area == pytest.approx(np.pi * ((_HOLE + 1.0) ** 2 - _HOLE ** 2), rel=1e-3)


def _polygon_area(path):
    area = 0.0
    for poly in path.to_polygons(closed_only=False):
        x, y = poly[:, 0], poly[:, 1]
        area += 0.5 * (np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
    return area


def test_colours_by_top_module_and_lighter_below(deep):
    ax = tree(deep)
    colors = ax.collections[0].get_facecolors()
    t = deep.tree
    assert t.num_top_modules <= len(PALETTE)
    module_top = np.arange(t.parent.shape[0])  # the top module above every module
    for m in range(1, t.parent.shape[0]):
        if t.depth[m] > 1:
            module_top[m] = module_top[t.parent[m]]
    for i, m in enumerate(range(1, t.parent.shape[0])):
        base = np.array(to_rgba(PALETTE[module_top[m] - 1]))
        if t.depth[m] == 1:
            np.testing.assert_allclose(colors[i], base, atol=1e-9)
        else:
            assert (colors[i][:3] >= base[:3] - 1e-9).all()
            assert colors[i][:3].sum() > base[:3].sum() + 0.05


def test_deep_tree_icicle_and_sunburst(deep):
    t = deep.tree
    for style in ("icicle", "sunburst"):
        start = time.perf_counter()
        ax = tree(deep, style=style)
        image = check_image(ax, (8, 5))
        assert time.perf_counter() - start < 10.0
        assert len(blocks(ax)) == t.parent.shape[0] - 1
        assert palette_colours_seen(image) == min(t.num_top_modules, len(PALETTE))
    rows = icicle_rows(tree(deep))
    assert len(rows) == deep.num_levels - 1
    expected = drawn_shares(deep)
    for row, shares in zip(rows, expected):
        assert sum(x1 - x0 for x0, x1 in row) == pytest.approx(1.0, abs=1e-9)
        np.testing.assert_allclose(sorted(x1 - x0 for x0, x1 in row), shares, atol=1e-12)
    # Every block lies inside one block of the row above.
    for upper, lower in zip(rows, rows[1:]):
        for x0, x1 in lower:
            assert any(a - 1e-12 <= x0 and x1 <= b + 1e-12 for a, b in upper)


def test_max_depth_and_min_share(deep):
    ax = tree(deep, max_depth=1)
    rows = icicle_rows(ax)
    assert len(rows) == 1 and len(rows[0]) == deep.num_top_modules
    ax = tree(deep, style="sunburst", max_depth=1)
    assert len(blocks(ax)) == deep.num_top_modules
    assert len(icicle_rows(tree(deep, max_depth=99))) == deep.num_levels - 1
    # A threshold between the shares of the sub-modules leaves some out.
    sub = np.sort(deep.tree.flow[deep.tree.depth == 2])
    threshold = float(np.median(sub))
    expected = drawn_shares(deep, min_share=threshold)
    rows = icicle_rows(tree(deep, min_share=threshold))
    assert [len(r) for r in rows] == [len(s) for s in expected]
    assert 0 < len(rows[1]) < sub.size
    np.testing.assert_allclose(sorted(x1 - x0 for x0, x1 in rows[1]), expected[1], atol=1e-12)


def test_labels(karate, deep):
    ax = tree(karate)
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == karate.num_top_modules  # every top module is above 4 %
    assert texts[0].startswith("1\n")
    assert len(tree(karate, label_min_share=1.01).texts) == 0
    texts = [t.get_text() for t in tree(deep, label_min_share=0.01).texts]
    assert any(text.startswith("1:1\n") for text in texts)


def test_given_axes_and_palette(karate):
    fig, axes = plt.subplots(1, 2, figsize=(8, 4))
    assert tree(karate, ax=axes[1], palette=["#ff0000", "#00ff00"]) is axes[1]
    assert plt.get_fignums() == [fig.number]
    image = render(fig, dpi=DPI)
    assert colour_pixels(image, "#ff0000") > 100
    assert colour_pixels(image, "#00ff00") > 100
    assert palette_colours_seen(image) == 0


def test_tree_bad_input(karate):
    with pytest.raises(ValueError, match="style must be one of 'icicle', 'sunburst'"):
        tree(karate, style="pie")
    with pytest.raises(TypeError, match="result must be an InfomapResult"):
        tree(nx.karate_club_graph())
    with pytest.raises(ValueError, match="max_depth"):
        tree(karate, max_depth=0)
    with pytest.raises(TypeError, match="max_depth"):
        tree(karate, max_depth=1.5)
    with pytest.raises(ValueError, match="min_share"):
        tree(karate, min_share=1.5)
    with pytest.raises(ValueError, match="label_min_share"):
        tree(karate, label_min_share=-0.1)
    with pytest.raises(ValueError, match="palette"):
        tree(karate, palette="no-such-colormap")
    with pytest.raises(ValueError, match="no module tree"):
        tree(dataclasses.replace(karate, tree=None))
    assert plt.get_fignums() == []  # nothing drawn before the checks


# -- codelength -------------------------------------------------------------------------------

def check_codelength_axes(ax, result):
    trials = ax.containers[0]
    assert len(trials) == len(result.trial_codelengths)
    heights = np.array([bar.get_height() for bar in trials])
    np.testing.assert_allclose(heights, result.trial_codelengths, rtol=0, atol=1e-12)
    best = [bar for bar in trials if np.allclose(bar.get_facecolor(), to_rgba(PALETTE[0]))]
    assert len(best) == 1
    assert best[0].get_height() == pytest.approx(result.codelength, abs=1e-9)
    assert best[0].get_height() == pytest.approx(min(result.trial_codelengths), abs=1e-12)
    others = [bar for bar in trials if bar not in best]
    assert all(bar.get_height() >= best[0].get_height() for bar in others)
    segments = [bar for container in ax.containers[1:] for bar in container]
    assert len(segments) == len(result.level_codelengths)
    assert len({bar.get_x() for bar in segments}) == 1
    assert segments[0].get_x() > max(bar.get_x() for bar in trials) + 1.0  # after a gap
    bottom = 0.0
    for bar, length in zip(segments, result.level_codelengths):
        assert bar.get_y() == pytest.approx(bottom, abs=1e-12)
        assert bar.get_height() == pytest.approx(length, abs=1e-12)
        bottom += bar.get_height()
    assert bottom == pytest.approx(result.codelength, abs=1e-9)
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1
    np.testing.assert_allclose(dashed[0].get_ydata(), result.one_level_codelength, atol=1e-12)
    assert ax.get_ylabel() == "codelength (bits)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "index codebook" in legend and "level 1 codebooks" in legend
    assert any(text.startswith("one level") for text in legend)
    assert any(f"{result.relative_codelength_savings:.1%}" in t.get_text() for t in ax.texts)


def test_codelength_trials(karate):
    assert len(karate.trial_codelengths) == 4
    ax = codelength(karate)
    check_codelength_axes(ax, karate)
    image = check_image(ax, (7, 4))
    assert colour_pixels(image, PALETTE[0]) > 200
    assert len(ax.containers[0]) == 4


def test_codelength_highlights_the_best_of_unequal_trials():
    # On this sparse random graph the trials disagree and the best is not the first.
    result = infomap_py.cluster(nx.gnp_random_graph(60, 0.08, seed=3), trials=4, seed=1)
    assert np.ptp(result.trial_codelengths) > 1e-3
    ax = codelength(result)
    check_codelength_axes(ax, result)
    best = int(np.argmin(result.trial_codelengths))
    colors = [to_rgba(bar.get_facecolor()) for bar in ax.containers[0]]
    assert colors[best] == pytest.approx(to_rgba(PALETTE[0]))
    assert all(c != pytest.approx(to_rgba(PALETTE[0])) for i, c in enumerate(colors) if i != best)


def test_codelength_deep_and_two_level(deep, karate_two_level):
    ax = codelength(deep)
    check_codelength_axes(ax, deep)
    assert len(ax.containers) - 1 == deep.num_levels  # index + one per module level
    ax = codelength(karate_two_level, figsize=(5, 3))
    check_codelength_axes(ax, karate_two_level)
    check_image(ax, (5, 3))
    assert len(ax.containers) - 1 == 2


def test_codelength_one_trial_and_no_tree(karate):
    one = infomap_py.cluster(nx.karate_club_graph(), trials=1, seed=3)
    ax = codelength(one)
    check_codelength_axes(ax, one)
    assert [t.get_text() for t in ax.get_legend().get_texts()].count("other trials") == 0
    bare = dataclasses.replace(karate, tree=None)
    ax = codelength(bare)
    check_codelength_axes(ax, bare)
    check_image(ax, (7, 4))


def test_codelength_given_axes_and_bad_input(karate):
    fig, ax = plt.subplots()
    assert codelength(karate, ax=ax) is ax
    assert plt.get_fignums() == [fig.number]
    with pytest.raises(TypeError, match="result must be an InfomapResult"):
        codelength([4.2])
