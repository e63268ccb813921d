"""Multilayer expansion (MultilayerNetwork.to_state_network) against the
official Infomap: state ids, physical nodes, layers, link weights and state
flows, for the official example files and random networks with every
option; from_layers; and bad arguments."""

from __future__ import annotations

import dataclasses
import os
import warnings
from pathlib import Path

import numpy as np
import pytest

from infomap_py.flow import compute_flow
from infomap_py.multilayer import MultilayerNetwork

try:
    import infomap
except ImportError:  # pragma: no cover - the oracle is a test-only dependency
    infomap = None

needs_official = pytest.mark.skipif(infomap is None,
                                    reason="the official infomap package (oracle) is not installed")

EXAMPLES = ("multilayer", "multilayer_intra", "multilayer_intra_inter")

#: Our option names -> the official Python API's.
OFFICIAL_NAME = dict(
    relax_rate="multilayer_relax_rate", relax_limit="multilayer_relax_limit",
    relax_limit_up="multilayer_relax_limit_up", relax_limit_down="multilayer_relax_limit_down",
    relax_by_jsd="multilayer_relax_by_jsd", relax_to_self="multilayer_relax_to_self",
    matchable_ids="matchable_multilayer_ids")

OPTION_SETS = [
    {}, dict(relax_rate=0.4), dict(relax_rate=0.0), dict(relax_rate=1.0),
    dict(relax_limit=1), dict(relax_limit=0), dict(relax_limit_up=1),
    dict(relax_limit_down=0), dict(relax_limit=2, relax_limit_up=0),
    dict(relax_to_self=True), dict(relax_to_self=True, relax_limit=1),
    dict(relax_to_self=True, relax_limit_down=1, relax_rate=0.5),
    dict(relax_by_jsd=True), dict(relax_by_jsd=True, relax_limit=1),
    dict(relax_by_jsd=True, relax_limit=0),
    dict(relax_by_jsd=True, relax_limit_up=0, relax_rate=0.3),
    dict(relax_by_jsd=True, relax_to_self=True), dict(matchable_ids=6),
    dict(matchable_ids=7, relax_by_jsd=True), dict(matchable_ids=8, relax_to_self=True),
]


def example_path(name: str) -> Path:
    return Path(os.path.dirname(infomap.__file__)) / "datasets" / "data" / f"{name}.net"


def parse_multilayer(path: Path, directed: bool) -> MultilayerNetwork:
    """A minimal reader of *Vertices/*Multilayer/*Intra/*Inter files (the
    package's readers are tested elsewhere)."""
    section, links, kinds, inter, vertices = None, [], [], [], []
    for raw in Path(path).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("*"):
            section = line.split()[0].lower()
            continue
        p = line.split()
        if section == "*vertices":
            vertices.append(int(p[0]))
        elif section in ("*multilayer", "*intra"):
            intra = section == "*intra"
            ids = [int(p[0]), int(p[1]), int(p[0]), int(p[2])] if intra else [int(x) for x in p[:4]]
            nw = 3 if intra else 4
            links.append((*ids, float(p[nw]) if len(p) > nw else 1.0))
            kinds.append(intra)
        elif section == "*inter":
            inter.append((int(p[0]), int(p[1]), int(p[2]), float(p[3]) if len(p) > 3 else 1.0))
    lk = np.array(links, dtype=float).reshape(-1, 5)
    it = np.array(inter, dtype=float).reshape(-1, 4)
    i64 = lambda a: a.astype(np.int64)  # noqa: E731
    return MultilayerNetwork((i64(lk[:, 0]), i64(lk[:, 1]), i64(lk[:, 2]), i64(lk[:, 3]), lk[:, 4]),
                             (i64(it[:, 0]), i64(it[:, 1]), i64(it[:, 2]), it[:, 3]), directed,
                             tuple(sorted(set(vertices))), None, np.array(kinds, dtype=bool))


def write_multilayer(net: MultilayerNetwork, path: Path) -> None:
    """Write ``net`` as *Multilayer/*Intra/*Inter sections (weights exactly)."""
    s_lay, s_node, t_lay, t_node, w = net.links
    intra = net.intra_mask
    lines = []
    if (~intra).any():
        lines.append("*Multilayer")
        lines += [f"{s_lay[i]} {s_node[i]} {t_lay[i]} {t_node[i]} {float(w[i])!r}"
                  for i in np.flatnonzero(~intra)]
    if intra.any():
        lines.append("*Intra")
        lines += [f"{s_lay[i]} {s_node[i]} {t_node[i]} {float(w[i])!r}"
                  for i in np.flatnonzero(intra)]
    if len(net.inter[0]):
        lines.append("*Inter")
        lines += [f"{a} {b} {c} {float(x)!r}" for a, b, c, x in zip(*net.inter)]
    Path(path).write_text("\n".join(lines) + "\n")


def random_multilayer(rng, explicit=False, inter=False, zeros=False, nodes=8, m=20,
                      directed=False) -> MultilayerNetwork:
    """A random small multilayer network over layer ids 0..6."""
    layers = rng.choice(np.arange(7), size=rng.integers(1, 5), replace=False)
    lay = rng.choice(layers, m).astype(np.int64)
    src, dst = rng.integers(0, nodes, m), rng.integers(0, nodes, m)
    w = rng.choice([0.0, 1.0, 2.0] if zeros else [0.5, 1.0, 2.0, 3.25], m)
    tlay = rng.choice(layers, m).astype(np.int64) if explicit else lay.copy()
    k = int(rng.integers(1, 6)) if inter and layers.size > 1 else 0
    ilay = rng.choice(layers, k).astype(np.int64)
    itlay = np.array([rng.choice(layers[layers != x]) for x in ilay], dtype=np.int64)
    inode, iw = rng.integers(0, nodes, k), rng.choice([0.0, 0.25, 1.0], k)
    return MultilayerNetwork((lay, src, tlay, dst, w), (ilay, inode, itlay, iw), directed,
                             tuple(range(nodes)), None, np.full(m, not explicit))


def official_states(path: Path, directed: bool, **options):
    """Return ``(states, links, flow)`` of the official expansion:
    ``{state id: (physical id, layer id, flow)}``, ``{(source, target): weight}``
    and ``{(source, target): flow}``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, num_trials=1, no_infomap=True, directed=directed,
                             **{OFFICIAL_NAME.get(k, k): v for k, v in options.items()})
        im.read_file(str(path))
        im.run()
        states = {n.state_id: (n.node_id, n.layer_id, n.flow) for n in im.get_nodes(states=True)}
        links = {(s, t): w for s, t, w in im.get_links()}
        flows = {(s, t): f for s, t, f in im.get_links(data="flow")}
    return states, links, flows


def assert_matches_official(net: MultilayerNetwork, path: Path, to_nodes: bool = False,
                            **options) -> None:
    """Our state network and state flow equal the official's for ``path``."""
    sn = net.to_state_network(**options)
    extra = dict(to_nodes=True) if to_nodes else {}
    states, links, flows = official_states(path, net.directed, **options, **extra)
    ids = np.asarray(sn.network.nodes)
    phys = np.asarray(sn.physical_nodes)[sn.physical]
    assert np.all(np.diff(ids) > 0), "states are in state id order"
    ours = {int(i): (int(p), int(lay)) for i, p, lay in zip(ids, phys, sn.layer)}
    assert ours == {k: v[:2] for k, v in states.items()}
    our_links = {(int(ids[s]), int(ids[t])): float(w)
                 for s, t, w in zip(sn.network.source, sn.network.target, sn.network.weight)}
    assert our_links.keys() == links.keys()
    got = np.array([our_links[k] for k in links])
    want = np.array(list(links.values()))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    # The official flow model is directed once *Intra links are expanded.
    model = "directed" if sn.directed else "undirected"
    relax = sn.physical if options.get("relax_to_self") else None
    flow = compute_flow(sn.network, model, to_nodes=to_nodes, relax_to_self=relax)
    want_flow = np.array([states[int(i)][2] for i in ids])
    # A relax-to-self walk that crosses into a state with no onward link
    # loses flow every step, so neither power iteration meets its tolerance
    # and each stops where its own stall rule says (only with *Multilayer links).
    tol = 1e-9 if flow.flow_converged or relax is None else 1e-8
    np.testing.assert_allclose(flow.node_flow, want_flow, rtol=0, atol=tol)
    if relax is not None:
        assert_link_flows(flow, ids, flows, tol)


def assert_link_flows(flow, ids: np.ndarray, official: dict, tol: float) -> None:
    """Our link flows (both directions of a symmetric flow summed, as the
    official stores an undirected link once) equal the official's."""
    scale = 2.0 if flow.symmetric else 1.0
    ours = {(int(ids[s]), int(ids[t])): scale * float(f)
            for s, t, f in zip(flow.source, flow.target, flow.link_flow)}
    want = {k: v for k, v in official.items() if k[0] != k[1]}  # we drop self-links
    assert ours.keys() == want.keys()
    np.testing.assert_allclose([ours[k] for k in want], list(want.values()), rtol=0, atol=tol)


# --------------------------------------------------------------------------
# Against the official Infomap
# --------------------------------------------------------------------------


@needs_official
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("name", EXAMPLES)
def test_official_examples(name, directed):
    path = example_path(name)
    assert_matches_official(parse_multilayer(path, directed), path)


@needs_official
@pytest.mark.parametrize("name", ["multilayer_intra", "multilayer_intra_inter"])
@pytest.mark.parametrize("options", [dict(relax_rate=0.5), dict(relax_to_self=True),
                                     dict(relax_by_jsd=True), dict(matchable_ids=2)])
def test_official_examples_with_options(name, options):
    path = example_path(name)
    assert_matches_official(parse_multilayer(path, False), path, **options)


@needs_official
@pytest.mark.parametrize("kind", ["intra", "inter", "explicit", "zeros"])
@pytest.mark.parametrize("case", range(len(OPTION_SETS)))
def test_random_networks_every_option(tmp_path, kind, case):
    rng = np.random.default_rng(100 * case + len(kind))
    for directed in (False, True):
        net = random_multilayer(rng, explicit=kind == "explicit", inter=kind == "inter",
                                zeros=kind == "zeros", directed=directed)
        path = tmp_path / f"{directed}.net"
        write_multilayer(net, path)
        assert_matches_official(net, path, **OPTION_SETS[case])


@needs_official
def test_explicit_and_intra_links_together(tmp_path):
    rng = np.random.default_rng(7)
    a = random_multilayer(rng, explicit=True)
    b = random_multilayer(rng)
    net = MultilayerNetwork(tuple(np.concatenate([x, y]) for x, y in zip(a.links, b.links)),
                            b.inter, False, a.physical_nodes, None,
                            np.concatenate([a.intra_mask, b.intra_mask]))
    write_multilayer(net, tmp_path / "mixed.net")
    assert_matches_official(net, tmp_path / "mixed.net")


@needs_official
def test_jsd_state_weights_give_teleportation_to_nodes(tmp_path):
    """With relax_by_jsd the official state weights are not all 1: teleportation
    to nodes must use them."""
    rng = np.random.default_rng(11)
    net = random_multilayer(rng, directed=True, m=30)
    sn = net.to_state_network(relax_by_jsd=True)
    assert sn.network.node_weights is not None
    write_multilayer(net, tmp_path / "jsd.net")
    assert_matches_official(net, tmp_path / "jsd.net", to_nodes=True, relax_by_jsd=True)


@needs_official
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("name", EXAMPLES)
def test_relax_to_self_flow_is_the_official_two_step_flow(name, directed):
    """Relax-to-self state flows equal the official's (which are the default
    expansion's), and so do the link flows; first-order flow would not."""
    path = example_path(name)
    net = parse_multilayer(path, directed)
    assert_matches_official(net, path, relax_to_self=True)
    sn = net.to_state_network(relax_to_self=True)
    assert sn.relax_to_self and not net.to_state_network().relax_to_self
    states = official_states(path, directed, relax_to_self=True)[0]
    spread = official_states(path, directed)[0]
    assert {v[:2]: pytest.approx(v[2], abs=1e-12) for v in spread.values()} == \
        {v[:2]: v[2] for v in states.values()}
    if name != "multilayer":  # whose links never join two states of one node
        first_order = compute_flow(sn.network, "directed").node_flow
        assert not np.allclose(first_order, [states[int(i)][2] for i in sn.network.nodes])


@needs_official
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("options", [dict(to_nodes=True), dict(recorded_teleportation=True),
                                     dict(recorded_teleportation=True, to_nodes=True),
                                     dict(markov_time=0.7)])
def test_relax_to_self_flow_with_flow_options(tmp_path, directed, options):
    """Teleportation to nodes, recorded teleportation (to the links' targets,
    a transit link's weight passed on to the targets of its target's
    onward links) and Markov time (which scales our link flows, not the
    official's reported ones)."""
    rng = np.random.default_rng(len(str(options)) + directed)
    for kind in ("inter", "intra", "explicit"):
        net = random_multilayer(rng, inter=kind == "inter", explicit=kind == "explicit",
                                directed=directed, m=30)
        path = tmp_path / f"{kind}.net"
        write_multilayer(net, path)
        sn = net.to_state_network(relax_to_self=True)
        model = "directed" if sn.directed else "undirected"
        states, _, flows = official_states(path, directed, relax_to_self=True, **options)
        flow = compute_flow(sn.network, model, relax_to_self=sn.physical, **options)
        if not flow.flow_converged:
            continue  # see assert_matches_official
        flow = dataclasses.replace(flow, link_flow=flow.link_flow / options.get("markov_time", 1))
        ids = np.asarray(sn.network.nodes)
        np.testing.assert_allclose(flow.node_flow, [states[int(i)][2] for i in ids],
                                   rtol=0, atol=1e-9)
        assert_link_flows(flow, ids, flows, 1e-9)


def official_codelength(path: Path, directed: bool, partition=None, two_level=False,
                        trials: int = 5):
    """The official codelength and state tree ``{state id: path}`` of a
    relax-to-self search (or of scoring the two-level ``partition``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, num_trials=trials, directed=directed,
                             multilayer_relax_to_self=True,
                             two_level=two_level or partition is not None,
                             no_infomap=partition is not None)
        im.read_file(str(path))
        im.run(initial_partition=partition)
        paths = {n.state_id: tuple(n.path) for n in im.get_tree(states=True) if n.is_leaf}
        return im.codelength, paths


@needs_official
@pytest.mark.parametrize("directed", [False, True])
def test_relax_to_self_codelength_matches_official(tmp_path, directed):
    """On the examples and random networks: each package scores the other's
    state tree (ours: two-level partitions) to 1e-9, and our search codes
    no longer than the official's (but for 0.5 %, search luck)."""
    import infomap_py

    rng = np.random.default_rng(21 + directed)
    cases = [(example_path(n), parse_multilayer(example_path(n), directed)) for n in EXAMPLES]
    for k in range(4):
        net = random_multilayer(rng, inter=k % 2 == 1, directed=directed, nodes=12, m=40)
        write_multilayer(net, tmp_path / f"r{k}.net")
        cases.append((tmp_path / f"r{k}.net", net))
    for path, net in cases:
        sn = net.to_state_network(relax_to_self=True)
        ids = [int(i) for i in sn.network.nodes]
        length, paths = official_codelength(path, directed)
        assert float(infomap_py.codelength(sn, [paths[i] for i in ids])) == \
            pytest.approx(length, abs=1e-9)
        ours = infomap_py.cluster(sn, trials=5, seed=2, two_level=True)
        assert ours.codelength <= official_codelength(path, directed, two_level=True)[0] * 1.005
        scored, _ = official_codelength(path, directed, dict(zip(ids, map(int, ours.labels))))
        assert scored == pytest.approx(ours.codelength, abs=1e-9)


@needs_official
def test_large_and_sparse_ids(tmp_path):
    """Layer ids far apart and node ids far above the number of nodes."""
    rng = np.random.default_rng(3)
    net = random_multilayer(rng, m=40)
    s_lay, s_node, t_lay, t_node, w = net.links
    net = dataclasses.replace(net, links=(s_lay * 1000 + 1, s_node * 7919 + 5, t_lay * 1000 + 1,
                                          t_node * 7919 + 5, w), physical_nodes=())
    write_multilayer(net, tmp_path / "sparse.net")
    for options in ({}, dict(relax_limit=1000), dict(relax_by_jsd=True, relax_limit=2000)):
        assert_matches_official(net, tmp_path / "sparse.net", **options)


# --------------------------------------------------------------------------
# The state network itself
# --------------------------------------------------------------------------


def test_state_network_fields():
    net = MultilayerNetwork.from_layers({1: np.array([[1, 4], [4, 5]]), 2: np.array([[1, 2]])})
    sn = net.to_state_network()
    assert sn.directed  # expanded *Intra links are directed
    assert list(sn.physical_nodes) == [1, 2, 4, 5]
    assert sorted(zip(np.asarray(sn.physical_nodes)[sn.physical].tolist(), sn.layer.tolist())) \
        == [(1, 1), (1, 2), (2, 2), (4, 1), (5, 1)]
    assert list(sn.network.nodes) == list(range(5))
    # A state's out-weights sum to 1 - r + r = 1 (transition probabilities).
    out = np.bincount(sn.network.source, weights=sn.network.weight, minlength=sn.num_states)
    np.testing.assert_allclose(out[out > 0], 1.0)


def test_matchable_ids_formula():
    net = MultilayerNetwork.from_layers({1: np.array([[3, 4]]), 5: np.array([[3, 6]])})
    sn = net.to_state_network(matchable_ids=5)  # shift ceil(log2 5) + 1 = 4
    ids = np.asarray(sn.network.nodes)
    phys = np.asarray(sn.physical_nodes)[sn.physical]
    np.testing.assert_array_equal(ids, (phys << 4) | sn.layer)


def test_intra_mask_inference():
    same = MultilayerNetwork((np.array([1]), np.array([1]), np.array([1]), np.array([2]),
                              np.array([1.0])),
                             tuple(np.zeros(0, dtype=np.int64) for _ in range(4)))
    assert same.intra_mask.tolist() == [True]
    cross = dataclasses.replace(same, links=(np.array([1, 1]), np.array([1, 1]), np.array([1, 2]),
                                             np.array([2, 2]), np.ones(2)))
    assert cross.intra_mask.tolist() == [False, False]
    assert not cross.to_state_network().directed  # undirected explicit links stay undirected


def test_inter_without_intra_links_is_ignored():
    """As the official: *Inter links only couple *Intra layer networks."""
    net = MultilayerNetwork((np.array([1]), np.array([1]), np.array([2]), np.array([2]),
                             np.array([1.0])), (np.array([1]), np.array([1]), np.array([2]),
                                                np.array([1.0])), False, (), None,
                            np.array([False]))
    sn = net.to_state_network()
    assert sn.num_states == 2 and sn.network.num_links == 1


def test_expansion_of_many_links_is_vectorised():
    """10^5 intra links in 3 layers expand in well under a few seconds."""
    import time

    rng = np.random.default_rng(0)
    m = 100_000
    layers = [rng.integers(0, 20_000, size=(m // 3, 2)) for _ in range(3)]
    net = MultilayerNetwork.from_layers(layers)
    start = time.perf_counter()
    sn = net.to_state_network()
    assert time.perf_counter() - start < 10.0
    assert sn.network.num_links > 2 * m


# --------------------------------------------------------------------------
# The vectorised expansion against a state-by-state one
# --------------------------------------------------------------------------

#: The options of relaxation by strength (the default expansion).
STRENGTH_OPTIONS = [o for o in OPTION_SETS if not o.get("relax_by_jsd")]


def relaxed_state_by_state(net: MultilayerNetwork, relax_rate=0.15, relax_limit=None,
                           relax_limit_up=None, relax_limit_down=None, relax_to_self=False,
                           matchable_ids=None) -> dict:
    """The relaxed state network of ``*Intra`` links, made one state at a
    time as the official code does, with the same float operations in the
    same order (for rows of fewer than 8 links, whose sums NumPy adds up
    one by one)."""
    lay, src, _, tgt, w = (np.asarray(a) for a in net.links)
    summed: dict = {}  # (layer, source, target) -> weight, duplicates summed in input order
    for key, weight in zip(zip(lay.tolist(), src.tolist(), tgt.tolist(), strict=True), w.tolist(),
                           strict=True):
        if weight > 0:
            summed[key] = summed[key] + weight if key in summed else weight
    layer_links = dict(summed)
    if not net.directed:  # each link also backwards (added after the forward one)
        for (layer, a, b), weight in summed.items():
            if a != b:
                back = (layer, b, a)
                layer_links[back] = layer_links[back] + weight if back in summed else weight
    out: dict = {}  # (layer, node) -> {target: weight}
    for (layer, a, b), weight in layer_links.items():
        out.setdefault((layer, a), {})[b] = weight
    assert all(len(targets) < 8 for targets in out.values())  # NumPy sums these one by one
    out_weight = {row: sum(targets[t] for t in sorted(targets)) for row, targets in out.items()}
    heads = sorted(set(out) | {(layer, t) for (layer, _), ts in out.items() for t in ts})
    cap = lambda x: 2**32 if x is None or x < 0 else x  # noqa: E731
    down = min(cap(relax_limit), cap(relax_limit_down))
    up = min(cap(relax_limit), cap(relax_limit_up))
    r, order, links = relax_rate, {}, {}

    def create(state):
        order.setdefault(state, len(order))

    for a, n in heads:
        create((a, n))
        layers = [b for b, m in sorted(out) if m == n and a - down <= b <= a + up]
        strength = 0.0
        for b in layers:
            strength += out_weight[(b, n)]
        if strength <= 0:
            continue
        for b in layers:
            if relax_to_self and b != a:
                weight = r * out_weight[(b, n)] / strength
                if weight >= 1e-16:
                    create((b, n))
                    links[((a, n), (b, n))] = weight
                continue
            factor = r / strength
            if b == a:
                factor += (1.0 - r) / out_weight[(a, n)]
            for m in sorted(out[(b, n)]):
                create((b, m))
                if factor * out[(b, n)][m] >= 1e-16:
                    links[((a, n), (b, m))] = factor * out[(b, n)][m]
    states = sorted(order, key=order.get)
    if matchable_ids is not None:
        shift = (matchable_ids - 1).bit_length() + 1
        states.sort(key=lambda s: (s[1] << shift) | s[0])
        ids = [(node << shift) | layer for layer, node in states]
    else:
        ids = list(range(len(states)))
    index = {s: i for i, s in enumerate(states)}
    rows = sorted((index[s], index[t], weight) for (s, t), weight in links.items())
    physical = sorted(set(net.physical_nodes) | {node for _, node in states})
    # State indices are int32 (half the memory), as the expansion gives them.
    return dict(source=np.array([x[0] for x in rows], dtype=np.int32),
                target=np.array([x[1] for x in rows], dtype=np.int32),
                weight=np.array([x[2] for x in rows], dtype=np.float64),
                nodes=np.array(ids, dtype=np.int64),
                physical=np.array([physical.index(node) for _, node in states], dtype=np.int64),
                layer=np.array([layer for layer, _ in states], dtype=np.int64))


def expansion_arrays(net: MultilayerNetwork, **options) -> dict:
    """The arrays of ``net``'s state network, as :func:`relaxed_state_by_state` names them."""
    sn = net.to_state_network(**options)
    assert sn.network.node_weights is None and sn.directed
    return dict(source=sn.network.source, target=sn.network.target, weight=sn.network.weight,
                nodes=np.asarray(sn.network.nodes), physical=sn.physical, layer=sn.layer)


def assert_identical(ours: dict, want: dict) -> None:
    """Every array equal, bit for bit, with the same dtype."""
    assert ours.keys() == want.keys()
    for name, array in want.items():
        assert ours[name].dtype == array.dtype, name
        np.testing.assert_array_equal(ours[name], array, err_msg=name, strict=True)


@pytest.mark.parametrize("case", range(len(STRENGTH_OPTIONS)))
def test_relaxation_equals_the_state_by_state_expansion(case):
    options = STRENGTH_OPTIONS[case]
    rng = np.random.default_rng(7 + case)
    for directed in (False, True):
        for zeros in (False, True):
            net = random_multilayer(rng, zeros=zeros, directed=directed, nodes=12, m=30)
            assert_identical(expansion_arrays(net, **options),
                             relaxed_state_by_state(net, **options))


def test_bundled_layers_example_equals_the_state_by_state_expansion():
    import infomap_py

    net = infomap_py.read_network(Path(__file__).parents[1] / "examples" / "layers.net")
    for options in ({}, dict(relax_rate=0.4, relax_to_self=True), dict(matchable_ids=2)):
        assert_identical(expansion_arrays(net, **options), relaxed_state_by_state(net, **options))


@pytest.mark.parametrize("chunk", [1, 5])
def test_expansion_is_the_same_in_any_chunks(monkeypatch, chunk):
    """Relaxation runs a chunk of head states at a time; the chunk size
    changes nothing, with *Multilayer links beside the *Intra ones too."""
    from infomap_py import multilayer

    rng = np.random.default_rng(chunk)
    nets = [random_multilayer(rng, nodes=20, m=150, directed=d) for d in (False, True)]
    lay, src, _, tgt, w = nets[0].links
    mixed = dataclasses.replace(nets[0], links=(lay, src, np.where(src % 3 == 0, 6, lay), tgt, w),
                                from_intra=src % 3 != 0)
    for net in [*nets, mixed]:
        for options in STRENGTH_OPTIONS:
            whole = expansion_arrays(net, **options)
            with monkeypatch.context() as patch:
                patch.setattr(multilayer, "_CHUNK_LINKS", chunk)
                assert_identical(expansion_arrays(net, **options), whole)


# --------------------------------------------------------------------------
# from_layers
# --------------------------------------------------------------------------


@needs_official
def test_from_layers_networkx_matches_official(tmp_path):
    nx = pytest.importorskip("networkx")
    g1 = nx.Graph([(1, 4, {"weight": 0.8}), (1, 5, {"weight": 0.8}), (4, 5, {"weight": 1.0})])
    g2 = nx.Graph([(1, 2, {"weight": 0.8}), (1, 3, {"weight": 0.8}), (2, 3, {"weight": 1.0})])
    net = MultilayerNetwork.from_layers({1: g1, 2: g2}, inter=[[1, 1, 2, 0.4], [2, 1, 1, 0.4]])
    assert net.directed is False and net.intra_mask.all()
    write_multilayer(net, tmp_path / "nx.net")
    assert_matches_official(net, tmp_path / "nx.net")
    assert_matches_official(net, tmp_path / "nx.net", relax_to_self=True)


def test_from_layers_arrays_and_graphs_agree():
    nx = pytest.importorskip("networkx")
    arrays = [np.array([[0, 1, 2.0], [1, 2, 1.0]]), np.array([[0, 2, 1.0]])]
    graphs = [nx.DiGraph(), nx.DiGraph()]
    for g, a in zip(graphs, arrays):
        g.add_weighted_edges_from(a.tolist())
    graphs = [nx.relabel_nodes(g, int) for g in graphs]
    a = MultilayerNetwork.from_layers(arrays, directed=True).to_state_network()
    b = MultilayerNetwork.from_layers(graphs).to_state_network()
    for x, y in [(a.network.source, b.network.source), (a.network.target, b.network.target),
                 (a.network.weight, b.network.weight), (a.layer, b.layer)]:
        np.testing.assert_array_equal(x, y)


def test_from_layers_keeps_isolated_graph_nodes():
    nx = pytest.importorskip("networkx")
    g = nx.Graph([(0, 1)])
    g.add_node(9)
    net = MultilayerNetwork.from_layers([g])
    assert 9 in net.physical_nodes
    assert 9 in net.to_state_network().physical_nodes


@pytest.mark.parametrize("layers, inter, directed, error, match", [
    ("abc", None, None, TypeError, "layers must be a sequence"),
    (5, None, None, TypeError, "layers must be a sequence"),
    ([], None, None, ValueError, "at least one layer"),
    ([np.zeros((3, 4))], None, None, ValueError, r"layers\[0\] must be a networkx graph"),
    ([np.array([[0, -1]])], None, None, ValueError, r"layers\[0\] node ids"),
    ([np.array([[0, 1, -2.0]])], None, None, ValueError, r"layers\[0\] weights"),
    ([np.array([[0, 1, np.nan]])], None, None, ValueError, r"layers\[0\] weights"),
    ([np.array([[0.5, 1]])], None, None, TypeError, "integer ids"),
    ({-1: np.array([[0, 1]])}, None, None, ValueError, "layer ids"),
    ({"a": np.array([[0, 1]])}, None, None, ValueError, "layer ids"),
    ([np.array([[0, 1]])], np.array([[0, 1]]), None, ValueError, "inter must be"),
    ([np.array([[0, 1]]), np.array([[0, 1]])], [[1, 0, 1, 1.0]], None, ValueError,
     "different layers"),
    ([np.array([[0, 1]])], None, "yes", TypeError, "directed must be"),
])
def test_from_layers_bad_arguments(layers, inter, directed, error, match):
    with pytest.raises(error, match=match):
        MultilayerNetwork.from_layers(layers, inter=inter, directed=directed)


def test_from_layers_graph_checks():
    nx = pytest.importorskip("networkx")
    with pytest.raises(ValueError, match="mixes directed and undirected"):
        MultilayerNetwork.from_layers([nx.Graph([(0, 1)]), nx.DiGraph([(0, 1)])])
    with pytest.raises(ValueError, match=r"layers\[0\] is an undirected graph but directed=True"):
        MultilayerNetwork.from_layers([nx.Graph([(0, 1)])], directed=True)
    with pytest.raises(TypeError, match="node labels must be integers"):
        MultilayerNetwork.from_layers([nx.Graph([("a", "b")])])


# --------------------------------------------------------------------------
# Bad options and input
# --------------------------------------------------------------------------


@pytest.fixture
def small():
    return MultilayerNetwork.from_layers([np.array([[0, 1], [1, 2]]), np.array([[0, 2]])])


@pytest.mark.parametrize("options, error, match", [
    (dict(relax_rate=1.5), ValueError, "relax_rate must be in"),
    (dict(relax_rate=-0.1), ValueError, "relax_rate must be in"),
    (dict(relax_rate="0.2"), TypeError, "relax_rate must be a number"),
    (dict(relax_rate=True), TypeError, "relax_rate must be a number"),
    (dict(relax_rate=1.0, relax_by_jsd=True), ValueError, "relax_rate must be < 1"),
    (dict(relax_limit=1.5), TypeError, "relax_limit must be an integer"),
    (dict(relax_limit_up="1"), TypeError, "relax_limit_up must be an integer"),
    (dict(relax_limit_down=True), TypeError, "relax_limit_down must be an integer"),
    (dict(relax_by_jsd=1), TypeError, "relax_by_jsd must be True or False"),
    (dict(relax_to_self="no"), TypeError, "relax_to_self must be True or False"),
    (dict(matchable_ids=0), ValueError, "matchable_ids must be in"),
    (dict(matchable_ids=2.0), TypeError, "matchable_ids must be an integer"),
    (dict(matchable_ids=(1 << 30) + 1), ValueError, "matchable_ids must be in"),
])
def test_bad_options(small, options, error, match):
    with pytest.raises(error, match=match):
        small.to_state_network(**options)


def test_matchable_ids_too_small_or_ids_too_large():
    net = MultilayerNetwork.from_layers({3: np.array([[0, 1]])})
    with pytest.raises(ValueError, match="layer id 3 is larger than matchable_ids"):
        net.to_state_network(matchable_ids=2)
    big = MultilayerNetwork.from_layers({1: np.array([[0, 1 << 31]])})
    with pytest.raises(ValueError, match="too large for matchable_ids"):
        big.to_state_network(matchable_ids=1)


def test_bad_input_arrays():
    e = tuple(np.zeros(0, dtype=np.int64) for _ in range(3)) + (np.zeros(0),)
    one = (np.array([0]), np.array([0]), np.array([0]), np.array([1]))
    with pytest.raises(ValueError, match="link weights must be finite"):
        MultilayerNetwork(one + (np.array([-1.0]),), e).to_state_network()
    with pytest.raises(ValueError, match="one weight per link"):
        MultilayerNetwork(one + (np.array([1.0, 2.0]),), e).to_state_network()
    with pytest.raises(ValueError, match="source_node must be integers"):
        MultilayerNetwork((one[0], np.array([-3])) + one[2:] + (np.ones(1),), e).to_state_network()
    with pytest.raises(ValueError, match="must go between different layers"):
        MultilayerNetwork(one + (np.ones(1),), (np.array([0]), np.array([0]), np.array([0]),
                                                np.ones(1))).to_state_network()
    with pytest.raises(ValueError, match="must stay in its layer"):
        MultilayerNetwork((one[0], one[1], np.array([1]), one[3], np.ones(1)), e, False, (),
                          None, np.array([True])).to_state_network()
    with pytest.raises(TypeError, match="links must be a tuple of 5"):
        MultilayerNetwork(one, e).to_state_network()
