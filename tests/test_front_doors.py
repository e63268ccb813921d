"""The front doors' keywords: everything after the network (and the partition)
by keyword, the shared keywords defined once and taken alike by every door,
one scoring path for codelength and evaluate."""

import dataclasses
import inspect

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py._options import (
    FlowKeywords,
    FlowOptions,
    MapEquationKeywords,
    ObjectiveOptions,
)

G = nx.barbell_graph(4, 1)
LABELS = [0] * 4 + [1] * 5

FLOW_NAMES = [f.name for f in dataclasses.fields(FlowOptions)]
OBJECTIVE_NAMES = [f.name for f in dataclasses.fields(ObjectiveOptions)]
DEFAULTS = {f.name: f.default for f in dataclasses.fields(FlowOptions)
            + dataclasses.fields(ObjectiveOptions)}

#: Every front door: how to call it on G, and the shared keywords it takes.
DOORS = {
    "cluster": (lambda *args, **kw: infomap_py.cluster(G, *args, two_level=True, **kw),
                FLOW_NAMES + OBJECTIVE_NAMES),
    "codelength": (lambda *args, **kw: infomap_py.codelength(G, LABELS, *args, **kw),
                   FLOW_NAMES + OBJECTIVE_NAMES),
    "evaluate": (lambda *args, **kw: infomap_py.evaluate(G, LABELS, *args, **kw),
                 FLOW_NAMES + OBJECTIVE_NAMES),
    "compute_flow": (lambda *args, **kw: infomap_py.compute_flow(G, *args, **kw), FLOW_NAMES),
}


def _outcome(value):
    """What a door returned, comparable bit for bit."""
    if isinstance(value, infomap_py.InfomapResult):
        return value.labels.tolist(), value.codelength, value.params
    if isinstance(value, infomap_py.Codelength):
        return float(value), value.index_codelength, value.one_level_codelength
    return value.node_flow.tolist(), value.link_flow.tolist()


@pytest.mark.parametrize("door", DOORS)
def test_arguments_after_the_network_are_keyword_only(door):
    call, _ = DOORS[door]
    with pytest.raises(TypeError, match="positional argument"):
        call(True)
    parameters = inspect.signature(getattr(infomap_py, door)).parameters.values()
    positional = [p.name for p in parameters if p.kind is not p.KEYWORD_ONLY]
    assert positional == (["G", "partition"] if door in ("codelength", "evaluate") else ["G"])


@pytest.mark.parametrize("door", DOORS)
def test_every_shared_keyword_is_taken_with_one_default(door):
    call, names = DOORS[door]
    parameters = inspect.signature(getattr(infomap_py, door)).parameters
    documented = getattr(infomap_py, door).__doc__
    plain = _outcome(call())
    for name in names:
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY, name
        assert parameters[name].default is DEFAULTS[name] or (
            parameters[name].default == DEFAULTS[name]), name
        assert documented.count(f"\n    {name} : ") == 1, name
        # The body takes it too, and its default is the default of the door.
        assert _outcome(call(**{name: DEFAULTS[name]})) == plain, name
    assert "documented here once the module is imported" not in documented


def test_compute_flow_refuses_the_objective_keywords():
    for name in OBJECTIVE_NAMES:
        with pytest.raises(TypeError, match=f"compute_flow\\(\\) got an unexpected keyword "
                                            f"argument '{name}'"):
            infomap_py.compute_flow(G, **{name: DEFAULTS[name]})


@pytest.mark.parametrize("door", DOORS)
def test_an_unknown_keyword_is_named(door):
    call, _ = DOORS[door]
    with pytest.raises(TypeError, match=f"^{door}\\(\\) got an unexpected keyword argument "
                                        "'telportation'; did you mean 'teleportation'\\?$"):
        call(telportation=0.2)
    with pytest.raises(TypeError, match=f"^{door}\\(\\) got an unexpected keyword argument "
                                        "'xyzzy'$"):
        call(xyzzy=1)


def test_the_typed_keywords_mirror_the_options():
    assert list(FlowKeywords.__annotations__) == FLOW_NAMES
    assert list(MapEquationKeywords.__annotations__) == FLOW_NAMES + OBJECTIVE_NAMES
    assert FlowKeywords.__required_keys__ == frozenset()


def test_options_are_checked_as_they_are_made():
    with pytest.raises(infomap_py.errors.InfomapArgumentError, match="markov_time"):
        FlowOptions(markov_time=0)
    with pytest.raises(TypeError, match="to_nodes must be True or False"):
        FlowOptions(to_nodes=1)
    with pytest.raises(infomap_py.errors.InfomapArgumentError, match="needs regularized"):
        FlowOptions(multilayer_skip_absent_nodes=True)
    with pytest.raises(infomap_py.errors.InfomapArgumentError, match="meta_data_rate"):
        ObjectiveOptions(meta_data_rate=-1)
    checked = FlowOptions(teleportation=np.float32(0.25), max_flow_iterations=np.int64(5))
    assert type(checked.teleportation) is float and type(checked.max_flow_iterations) is int


def test_codelength_is_the_score_of_evaluate_and_of_cluster():
    karate = nx.karate_club_graph()
    for two_level in (True, False):
        found = infomap_py.cluster(karate, two_level=two_level, seed=3)
        length = infomap_py.codelength(karate, found if not two_level else found.labels)
        assert float(length) == found.codelength
        assert length.index_codelength == found.index_codelength
    partition = [node % 3 for node in karate]
    scored = infomap_py.evaluate(karate, partition, markov_time=0.8)
    length = infomap_py.codelength(karate, partition, markov_time=0.8)
    assert (float(length), length.index_codelength, length.module_codelength,
            length.one_level_codelength) == (scored.codelength, scored.index_codelength,
                                             scored.module_codelength,
                                             scored.one_level_codelength)


def test_warnings_name_the_callers_line():
    states = infomap_py.StateNetwork.from_links([(0, 1), (1, 2), (2, 0), (2, 3)], [1, 2, 3, 1])
    for door, args in ((infomap_py.cluster, ()), (infomap_py.codelength, ([0, 0, 1, 1],)),
                       (infomap_py.evaluate, ([0, 0, 1, 1],))):
        with pytest.warns(UserWarning, match="entropy_corrected has no effect") as caught:
            door(states, *args, entropy_corrected=True)
        assert [w.filename for w in caught] == [__file__], door.__name__


def test_plot_functions_take_what_to_draw_by_position_only():
    pytest.importorskip("matplotlib")
    from infomap_py import plot

    res = infomap_py.cluster(G, two_level=True)
    for draw, args in ((plot.network, (G, res, None)), (plot.module_map, (res, None)),
                       (plot.tree, (res, "sunburst")), (plot.codelength, (res, None)),
                       (plot.alluvial, ())):
        parameters = inspect.signature(draw).parameters.values()
        assert all(p.kind in (p.KEYWORD_ONLY, p.VAR_POSITIONAL) or p.name in ("G", "result")
                   for p in parameters), draw.__name__
        if args:
            with pytest.raises(TypeError, match="positional argument"):
                draw(*args)
