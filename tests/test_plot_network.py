"""plot.network, plot.module_map and the --plot picture: rendered with Agg
and checked pixel by pixel and artist by artist."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.patches import Circle, FancyArrowPatch
from plotcheck import (  # noqa: F401 - close_figures is an autouse fixture
    close_figures,
    colour_distances,
    expected_size,
    ink_fraction,
    palette_colours_seen,
    render,
)

import infomap_py
from infomap_py import plot
from infomap_py.errors import OutputError
from infomap_py.plot import _save
from infomap_py.plot._common import OTHER_COLOR, PALETTE

ROOT = Path(__file__).resolve().parents[1]
KARATE = ROOT / "examples" / "karate.txt"


@pytest.fixture(scope="module")
def karate():
    G = nx.karate_club_graph()
    return G, infomap_py.cluster(G, two_level=True, seed=1)


@pytest.fixture(scope="module")
def planted():
    """5,000 nodes in 40 planted groups of 125."""
    G = nx.planted_partition_graph(40, 125, 0.08, 0.0006, seed=7)
    return G, infomap_py.cluster(G, two_level=True, seed=1)


@pytest.fixture(scope="module")
def ring():
    """288 nodes in 24 groups of 12 on a ring, each group linked to the two
    groups either side: more modules than colours, yet few enough
    neighbours (4) that touching modules can all differ."""
    groups = 24
    p = np.zeros((groups, groups))
    for a in range(groups):
        for d in (1, 2):
            p[a, (a + d) % groups] = p[(a + d) % groups, a] = 0.03
        p[a, a] = 0.6
    G = nx.stochastic_block_model([12] * groups, p.tolist(), seed=3)
    return G, infomap_py.cluster(G, two_level=True, seed=1)


def nodes_of(ax) -> PathCollection:
    (scatter,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    return scatter


def links_of(ax) -> LineCollection:
    (lines,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    return lines


def nested_graph() -> nx.Graph:
    """16 dense groups of 10 nodes, in 4 super-groups of 4: a three-level tree."""
    p = np.full((16, 16), 0.003)
    for a in range(16):
        p[a, (np.arange(16) // 4) == a // 4] = 0.12
        p[a, a] = 0.9
    return nx.stochastic_block_model([10] * 16, p.tolist(), seed=5)


def circles_of(ax) -> list[Circle]:
    return [p for p in ax.patches if isinstance(p, Circle)]


# --- plot.network ---------------------------------------------------------------

def test_network_on_karate_colours_every_module(karate):
    G, res = karate
    ax = plot.network(G, res, figsize=(6, 5))
    image = render(ax.figure)
    assert image.shape[:2] == expected_size(ax.figure) == (400, 480)
    assert ink_fraction(image) > 0.03
    assert palette_colours_seen(image) == res.num_modules
    scatter = nodes_of(ax)
    assert scatter.get_offsets().shape == (G.number_of_nodes(), 2)
    assert len(links_of(ax).get_segments()) == G.number_of_edges()
    assert len(ax.texts) == G.number_of_nodes()  # 34 <= 40: every name written
    assert len(ax.get_legend().get_texts()) == res.num_modules


def test_network_colours_and_sizes_follow_the_result(karate):
    G, res = karate
    ax = plot.network(G, res, labels=False)
    scatter = nodes_of(ax)
    # The scatter draws nodes by increasing flow; map them back.
    order = np.argsort(res.flow, kind="stable")
    colours = scatter.get_facecolors()
    sizes = scatter.get_sizes()
    expected = plot.module_colors(res.num_modules)
    assert np.allclose(colours, expected[res.labels[order]])
    assert np.all(np.diff(sizes) >= -1e-12)  # larger flow, larger marker
    assert sizes[-1] / sizes[-2] == pytest.approx(res.flow[order[-1]] / res.flow[order[-2]])


def test_network_accepts_the_graph_in_another_node_order(karate):
    G, res = karate
    H = nx.Graph()
    H.add_nodes_from(reversed(list(G.nodes())))
    H.add_edges_from(G.edges())
    ax = plot.network(H, res, labels=False)
    order = np.argsort(res.flow[::-1], kind="stable")
    expected = plot.module_colors(res.num_modules)[res.labels[::-1][order]]
    assert np.allclose(nodes_of(ax).get_facecolors(), expected)


def test_network_by_level_and_given_layouts():
    G = nested_graph()
    res = infomap_py.cluster(G, seed=1)
    assert res.num_levels == 3
    pos = nx.circular_layout(G)
    ax = plot.network(G, res, layout=pos, legend=0)
    assert ax.get_legend() is None
    assert np.allclose(np.sort(nodes_of(ax).get_offsets()[:, 0]),
                       np.sort([p[0] for p in pos.values()]))
    array = np.array([pos[v] for v in G.nodes()])
    plot.network(G, res, layout=array)
    for name in ("spring", "circular", "spectral", "kamada_kawai", "modules"):
        plot.network(G, res, layout=name, labels=3)
    ax = plot.network(G, res, level=2)
    assert f"{len(set(res.modules_at(2)))} modules (level 2)" in ax.get_title()
    assert palette_colours_seen(render(ax.figure)) == 15  # every sub-module its own colour


def test_network_directed_small_graph_draws_arrows():
    D = nx.gn_graph(40, seed=2)
    res = infomap_py.cluster(D, seed=1)
    ax = plot.network(D, res)
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == D.number_of_edges()
    assert ink_fraction(render(ax.figure)) > 0.02


def test_network_on_5000_nodes(planted):
    G, res = planted
    ax = plot.network(G, res, figsize=(6, 6))
    image = render(ax.figure)
    assert image.shape[:2] == expected_size(ax.figure)
    assert ink_fraction(image) > 0.05
    assert res.num_modules > len(PALETTE)
    assert palette_colours_seen(image) == len(PALETTE)  # every colour used
    grey = np.all(np.isclose(nodes_of(ax).get_facecolors(), to_rgba(OTHER_COLOR)), axis=1)
    assert not grey.any()
    assert len(links_of(ax).get_segments()) == G.number_of_edges()
    assert len(ax.texts) == 0
    # The modules layout puts each module in a disc of its own: nodes of one
    # module lie closer to their own centre than to any other.
    offsets = nodes_of(ax).get_offsets()
    labels = res.labels[np.argsort(res.flow, kind="stable")]
    centres = np.array([offsets[labels == m].mean(axis=0) for m in range(res.num_modules)])
    nearest = np.argmin(((offsets[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    assert (nearest == labels).mean() > 0.99


def node_colours(ax, res) -> np.ndarray:
    """The colour of every node of ``res`` (in result order) as drawn."""
    order = np.argsort(res.flow, kind="stable")  # the scatter draws by increasing flow
    colours = np.empty((res.num_nodes, 4))
    colours[order] = nodes_of(ax).get_facecolors()
    return colours


def test_network_colours_every_module_and_linked_modules_differ(ring):
    G, res = ring
    assert res.num_modules == 24 > len(PALETTE)
    ax = plot.network(G, res, layout="circular", labels=False)
    colours = node_colours(ax, res)
    module_colour = np.array([colours[res.labels == m][0] for m in range(res.num_modules)])
    for m in range(res.num_modules):  # one colour per module
        assert np.allclose(colours[res.labels == m], module_colour[m])
    assert not any(np.allclose(c, to_rgba(OTHER_COLOR)) for c in module_colour)
    # The largest modules get the palette in order, so they all differ.
    assert np.allclose(module_colour[:len(PALETTE)], [to_rgba(c) for c in PALETTE])
    linked = {(res.labels[u], res.labels[v]) for u, v in G.edges()
              if res.labels[u] != res.labels[v]}
    assert len(linked) >= 2 * res.num_modules
    for a, b in linked:
        assert not np.allclose(module_colour[a], module_colour[b]), (a, b)
    # Same input, same colours; and the module map colours its circles alike.
    again = node_colours(plot.network(G, res, layout="circular", labels=False), res)
    assert np.array_equal(colours, again)
    circles = circles_of(plot.module_map(res))
    assert len(circles) == res.num_modules
    assert np.allclose([c.get_facecolor() for c in circles], module_colour)


def test_network_max_modules_greys_exactly_the_rest(ring):
    G, res = ring
    ax = plot.network(G, res, layout="circular", labels=False, max_modules=5, legend=3)
    colours = node_colours(ax, res)
    grey = np.all(np.isclose(colours, to_rgba(OTHER_COLOR)), axis=1)
    assert np.array_equal(grey, res.labels >= 5)
    assert np.allclose(colours[res.labels < 5], np.array([to_rgba(c) for c in PALETTE[:5]])
                       [res.labels[res.labels < 5]])
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    share = res.module_flow[5:].sum() / res.module_flow.sum()
    assert texts[-1] == f"grey: 19 modules beyond the 5 largest ({100 * share:.1f} %)"
    assert len(texts) == 3 + 2  # three modules, "21 more modules", the grey line
    # max_modules at or above the number of modules greys nothing.
    colours = node_colours(plot.network(G, res, layout="circular", max_modules=24,
                                        labels=False), res)
    assert not np.all(np.isclose(colours, to_rgba(OTHER_COLOR)), axis=1).any()
    with pytest.raises(ValueError, match="max_modules must be >= 1, got 0"):
        plot.network(G, res, max_modules=0)
    with pytest.raises(TypeError, match="max_modules must be an integer >= 1, got 2.5"):
        plot.network(G, res, max_modules=2.5)


def legend_clear_of_nodes(ax) -> None:
    """Assert that the legend, drawn, lies inside the figure and covers no
    node marker (in display coordinates)."""
    fig = ax.figure
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1
    assert fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1
    scatter = nodes_of(ax)
    centres = ax.transData.transform(scatter.get_offsets())
    radius = np.sqrt(scatter.get_sizes()) / 2 * fig.dpi / 72  # marker size is in points²
    nearest = np.clip(centres, [box.x0, box.y0], [box.x1, box.y1])
    gap = np.sqrt(((centres - nearest) ** 2).sum(axis=1)) - radius
    assert gap.min() > 0


@pytest.mark.parametrize("figsize", [(7, 7), (6, 4), (4, 6)])
def test_network_legend_covers_no_node(ring, karate, figsize):
    for (G, res), layout in ((karate, "spring"), (ring, "modules")):
        ax = plot.network(G, res, layout=layout, figsize=figsize)
        legend_clear_of_nodes(ax)
        plt.close(ax.figure)


def test_saved_picture_keeps_the_legend_in_the_figure(ring, tmp_path, monkeypatch):
    G, res = ring
    drawn = []

    def network(*args, **kwargs):
        drawn.append(plot.network(*args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(_save, "network", network)
    _save.save_picture(G, res, tmp_path / "ring.png")
    legend_clear_of_nodes(drawn[0])


def test_network_bad_input(karate, planted):
    G, res = karate
    with pytest.raises(ValueError, match="the result has 5000 nodes but G has 34"):
        plot.network(G, planted[1])
    other = nx.relabel_nodes(G, {0: "zero"})
    with pytest.raises(ValueError, match="node 'zero' of G is not in the result"):
        plot.network(other, res)
    with pytest.raises(TypeError, match="result must be an InfomapResult"):
        plot.network(G, res.labels)
    with pytest.raises(ValueError, match="layout must be one of"):
        plot.network(G, res, layout="force")
    with pytest.raises(ValueError, match="layout has no position for node 33"):
        plot.network(G, res, layout={v: (0, 0) for v in range(33)})
    with pytest.raises(ValueError, match=r"layout must give 34 positions of 2 coordinates, "
                                         r"got shape \(34, 3\)"):
        plot.network(G, res, layout=np.zeros((34, 3)))
    with pytest.raises(ValueError, match="layout holds a position that is NaN"):
        plot.network(G, res, layout=np.full((34, 2), np.nan))
    with pytest.raises(ValueError, match="level must be at most 1"):
        plot.network(G, res, level=2)
    with pytest.raises(ValueError, match="level must be an integer >= 1"):
        plot.network(G, res, level=0)
    with pytest.raises(ValueError, match=r"node_size must be a number in \(0, inf\), got -1"):
        plot.network(G, res, node_size=-1)
    with pytest.raises(TypeError, match=r"node_size must be a number in \(0, inf\), got 'big'"):
        plot.network(G, res, node_size="big")
    with pytest.raises(ValueError, match=r"link_alpha must be a number in \[0, 1\], got 2"):
        plot.network(G, res, link_alpha=2)
    with pytest.raises(ValueError, match="legend must be >= 0, got -2"):
        plot.network(G, res, legend=-2)
    with pytest.raises(ValueError, match="labels must be True, False, None or an integer"):
        plot.network(G, res, labels="all")
    with pytest.raises(ValueError, match="palette must be a list of colours or a colormap"):
        plot.network(G, res, palette="no-such-map")
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot.network(G, res, ax="left")


# --- module colours ---------------------------------------------------------------

def test_module_colors_colour_every_module():
    palette = [to_rgba(c) for c in PALETTE]
    # No more modules than colours: the palette in order.
    assert np.allclose(plot.module_colors(len(PALETTE)), palette)
    # More, and nothing touches: the palette in turn, no grey.
    many = plot.module_colors(2 * len(PALETTE) + 3)
    assert np.allclose(many, [palette[i % len(PALETTE)] for i in range(many.shape[0])])
    # max_modules: exactly the rest grey, with a palette or a colormap.
    for spec in (None, ["red", "blue"], "viridis"):
        colours = plot.module_colors(10, spec, max_modules=4)
        grey = np.all(np.isclose(colours, to_rgba(OTHER_COLOR)), axis=1)
        assert grey.tolist() == [False] * 4 + [True] * 6
    with pytest.raises(ValueError, match="max_modules must be >= 1, got 0"):
        plot.module_colors(3, max_modules=0)


def test_module_colors_of_touching_modules_differ():
    # A wheel: module 0 touches all, the rim 1..30 is a cycle.  Three colours do.
    rim = np.arange(1, 31)
    touching = (np.r_[np.zeros(30, dtype=int), rim], np.r_[rim, rim % 30 + 1])
    colours = plot.module_colors(31, ["red", "green", "blue"], touching=touching)
    for a, b in zip(*touching):
        assert not np.allclose(colours[a], colours[b])
    # With the default palette: first come, the palette in order, then the
    # colours used least that no touching module holds.
    index = plot._common.color_indices(31, len(PALETTE), touching)
    assert index[:len(PALETTE)].tolist() == list(range(len(PALETTE)))
    assert all(index[a] != index[b] for a, b in zip(*touching))
    assert np.array_equal(index, plot._common.color_indices(31, len(PALETTE), touching))
    # A complete graph on more modules than colours: a colour is shared by
    # as few touching modules as can be (each colour at most twice).
    a, b = np.triu_indices(5, 1)
    assert np.bincount(plot._common.color_indices(5, 3, (a, b))).max() == 2


def test_palette_is_told_apart_under_colour_blindness():
    """The palette's documented spacing: CIEDE2000 between any two colours,
    under normal vision and simulated colour-vision deficiencies."""
    colours = np.array([to_rgba(c)[:3] for c in PALETTE])
    normal = colour_distances(colours, "normal")
    upper = np.triu_indices(len(PALETTE), 1)
    assert len(set(PALETTE)) == len(PALETTE) == 18 and OTHER_COLOR not in PALETTE
    assert normal[upper].min() >= 9.8
    for vision in ("deuteranopia", "protanopia", "tritanopia"):
        assert colour_distances(colours, vision)[upper].min() >= 6.3
    grey = np.vstack([colours, to_rgba(OTHER_COLOR)[:3]])
    for vision in ("normal", "deuteranopia", "protanopia", "tritanopia"):
        assert colour_distances(grey, vision)[-1, :-1].min() >= 5.7


# --- plot.module_map ------------------------------------------------------------

def test_module_map_on_karate(karate):
    G, res = karate
    ax = plot.module_map(res, min_link_share=0.0, figsize=(5, 5))
    image = render(ax.figure)
    assert image.shape[:2] == expected_size(ax.figure)
    assert palette_colours_seen(image, min_pixels=200) == res.num_modules
    circles = circles_of(ax)
    assert len(circles) == res.num_modules
    area = np.array([c.get_radius() ** 2 for c in circles])
    assert area / area.sum() == pytest.approx(res.module_flow / res.module_flow.sum())
    for circle, colour in zip(circles, PALETTE):
        assert circle.get_facecolor() == pytest.approx(to_rgba(colour))
    # One link per pair of modules joined by a link of the graph.
    pairs = {tuple(sorted((res.labels[u], res.labels[v]))) for u, v in G.edges()
             if res.labels[u] != res.labels[v]}
    assert len(links_of(ax).get_segments()) == len(pairs)
    # Every module is labelled by its highest-flow node.
    top = [max(module, key=lambda v: res.flow[v]) for module in res.modules]
    texts = [t.get_text().splitlines()[0] for t in ax.texts]
    assert texts == [str(v) for v in top]
    # Circles do not overlap.
    centres = np.array([c.center for c in circles])
    radii = np.sqrt(area)
    for i in range(len(circles)):
        for j in range(i):
            assert np.linalg.norm(centres[i] - centres[j]) >= radii[i] + radii[j] - 1e-9


def test_module_map_directed_draws_arrows():
    D = nx.DiGraph(nx.gn_graph(60, seed=1))
    res = infomap_py.cluster(D, two_level=True, seed=1)
    ax = plot.module_map(res, min_link_share=0.0)
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    labels = res.labels
    pairs = {(labels[u], labels[v]) for u, v in D.edges() if labels[u] != labels[v]}
    assert len(arrows) == len(pairs) > 0
    assert len(circles_of(ax)) == res.num_modules


def test_module_map_on_5000_nodes_shows_the_largest(planted):
    _, res = planted
    ax = plot.module_map(res, max_modules=25, figsize=(6, 6))
    image = render(ax.figure)
    assert image.shape[:2] == expected_size(ax.figure)
    assert ink_fraction(image) > 0.1
    assert len(circles_of(ax)) == 25
    assert palette_colours_seen(image, min_pixels=100) == len(PALETTE)
    assert f"{res.num_modules - 25} smaller modules" in ax.get_title()


def test_module_map_of_a_deeper_level():
    res = infomap_py.cluster(nested_graph(), seed=1)
    ax = plot.module_map(res, level=2)
    assert len(circles_of(ax)) == len(set(res.modules_at(2).tolist())) > res.num_modules


def test_module_map_bad_input(karate):
    _, res = karate
    with pytest.raises(ValueError, match="the result carries no link flow"):
        plot.module_map(dataclasses.replace(res, flow_data=None))
    with pytest.raises(ValueError, match="max_modules must be >= 1, got 0"):
        plot.module_map(res, max_modules=0)
    with pytest.raises(ValueError, match="names_per_module must be >= 0, got -1"):
        plot.module_map(res, names_per_module=-1)
    with pytest.raises(ValueError, match=r"min_link_share must be a number in \[0, 1\], got 2"):
        plot.module_map(res, min_link_share=2)
    with pytest.raises(TypeError, match="result must be an InfomapResult"):
        plot.module_map({0: 1})


# --- the saved picture and --plot -------------------------------------------------

def test_save_picture_draws_network_or_module_map(karate, tmp_path, monkeypatch):
    G, res = karate
    assert _save.save_picture(G, res, tmp_path / "k.png") == "network"
    assert (tmp_path / "k.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    monkeypatch.setattr(_save, "NETWORK_MAX_NODES", 10)
    assert _save.save_picture(G, res, tmp_path / "k.svg") == "module map"
    assert b"<svg" in (tmp_path / "k.svg").read_bytes()[:500]
    with pytest.raises(ValueError, match=r"the file name must end in one of .*\.png"):
        _save.save_picture(G, res, tmp_path / "k.txt")


def test_save_picture_leaves_no_half_written_file(karate, tmp_path, monkeypatch):
    G, res = karate
    from matplotlib.figure import Figure

    def broken(self, fname, **kwargs):
        Path(fname).write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(OutputError, match="cannot write .*k.png: RuntimeError: disk full"):
        _save.save_picture(G, res, tmp_path / "k.png")
    assert list(tmp_path.iterdir()) == []


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "infomap_py", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_cli_plot_writes_a_picture(tmp_path):
    out = tmp_path / "out"
    proc = run_cli(KARATE, out, "--plot", out / "karate.png")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["karate.png", "karate.tree"]
    image = plt.imread(out / "karate.png")
    assert image.shape[0] == image.shape[1] == 1200  # 8 inches at 150 dpi
    assert palette_colours_seen(image[..., :3]) == 3


@pytest.mark.parametrize("target, needle", [
    ("k.xyz", "argument --plot: '{dir}/k.xyz' must end in one of"),
    ("missing/k.png", "argument --plot: no directory '{dir}/missing'"),
])
def test_cli_plot_bad_file_fails_before_writing(tmp_path, target, needle):
    out = tmp_path / "out"
    proc = run_cli(KARATE, out, "--plot", tmp_path / target)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert needle.format(dir=tmp_path) in proc.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_importing_the_package_does_not_import_matplotlib_or_torch():
    code = ("import sys, infomap_py; "
            "sys.exit('matplotlib' in sys.modules or 'torch' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0


def test_readme_figure_script(tmp_path):
    from conftest import SHARED_DATA

    script = ROOT / "examples" / "readme_figure.py"
    proc = subprocess.run([sys.executable, script, "--data", tmp_path, "--out",
                           tmp_path / "f.png"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "lacks edges.tsv, nodes.tsv, labels.tsv" in proc.stderr
    if not (SHARED_DATA / "football").is_dir():
        pytest.skip(f"shared data {SHARED_DATA / 'football'} not present")
    proc = subprocess.run([sys.executable, script, "--data", SHARED_DATA / "football",
                           "--out", tmp_path / "f.png"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    image = plt.imread(tmp_path / "f.png")[..., :3]
    assert image.shape[:2] == (864, 936)  # 13 x 12 inches at 72 dpi
    assert palette_colours_seen(image, min_pixels=200) == 12  # every module its own colour


def test_plot_is_an_attribute_imported_on_first_use():
    code = ("import sys, infomap_py; assert 'matplotlib' not in sys.modules; "
            "assert infomap_py.plot.network is not None; assert 'matplotlib' in sys.modules")
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0
