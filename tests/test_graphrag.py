"""infomap_py.graphrag: GraphRAG-shaped community tables from generated entity and
relationship tables with planted groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infomap_py import graphrag
from infomap_py.errors import InfomapArgumentError, InputFormatError

pytest.importorskip("pyarrow")


def _tables(seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """40 linked entities in 8 planted groups of 5, the groups in two halves
    linked more within a half; one more entity that no relationship names."""
    rng = np.random.default_rng(seed)
    n = 40
    groups = np.repeat(np.arange(8), 5)
    halves = groups // 4
    entities = pd.DataFrame({
        "id": [f"e{i}" for i in range(n + 1)],
        "title": [f"T{i}" for i in range(n + 1)],
        "text_unit_ids": [[f"tu{i}", f"tu{i + 1}"] for i in range(n + 1)],
    })
    rows = []
    for i in range(n):
        for j in range(i + 1, n):
            p = 0.9 if groups[i] == groups[j] else 0.1 if halves[i] == halves[j] else 0.01
            if rng.random() < p:
                rows.append((f"T{i}", f"T{j}", float(rng.integers(1, 4))))
    relationships = pd.DataFrame(rows, columns=["source", "target", "weight"])
    relationships["id"] = [f"r{k}" for k in range(len(relationships))]
    relationships["text_unit_ids"] = [[f"rtu{k}"] for k in range(len(relationships))]
    return entities, relationships, groups


@pytest.fixture(scope="module")
def found():
    entities, relationships, groups = _tables()
    return entities, relationships, groups, graphrag.run_communities(entities, relationships)


def test_schema(found):
    *_, tables = found
    communities, nodes = tables.communities, tables.nodes
    assert list(communities.columns) == graphrag.COMMUNITY_COLUMNS
    assert list(nodes.columns) == graphrag.NODE_COLUMNS
    for column in ("human_readable_id", "community", "parent", "level", "size"):
        assert communities[column].dtype == np.int64, column
    assert communities["community"].tolist() == list(range(1, len(communities) + 1))
    assert (communities["human_readable_id"] == communities["community"]).all()
    assert communities["period"].isna().all()
    for row in communities.itertuples():
        path = row.id.removeprefix("infomap-")
        assert row.title == f"Infomap community {path}"
        assert row.level == path.count(".")
    assert nodes["node_id"].tolist() == [int(e[1:]) + 1 for e in nodes["entity_id"]]
    assert (nodes["entity_title"] == "T" + nodes["entity_id"].str[1:]).all()
    assert nodes["flow"].sum() == pytest.approx(1.0)


def test_every_linked_entity_is_in_one_community_at_every_level(found):
    entities, _, _, tables = found
    communities, nodes = tables.communities, tables.nodes
    linked = set(entities["id"][:40])
    assert set(nodes["entity_id"]) == linked  # e40, named by no relationship, is left out
    num_levels = int(communities["level"].max()) + 1
    assert num_levels >= 2  # the halves above the groups
    assert (nodes["level"] == num_levels).all()
    for level in range(num_levels):
        members = [e for ids in communities.loc[communities["level"] == level, "entity_ids"]
                   for e in ids]
        assert len(members) == len(set(members)) and set(members) == linked
    assert (communities["size"] == communities["entity_ids"].map(len)).all()
    by_id = communities.set_index("community")
    for node in nodes.itertuples():
        deepest = by_id.loc[node.community]
        assert node.entity_id in deepest.entity_ids and deepest.level == num_levels - 1
        assert deepest.id == "infomap-" + ".".join(map(str, node.module_path))
        assert node.module_id == node.module_path[0]


def test_parents_and_children_agree(found):
    *_, tables = found
    by_id = tables.communities.set_index("community")
    for community, row in by_id.iterrows():
        if row.level == 0:
            assert row.parent == -1
        else:
            parent = by_id.loc[row.parent]
            assert parent.level == row.level - 1 and community in parent.children
            assert row.id.startswith(parent.id + ".")
        if row.children:
            below = [e for child in row.children for e in by_id.loc[child].entity_ids]
            assert sorted(below) == sorted(row.entity_ids)
            assert all(by_id.loc[child].parent == community for child in row.children)


def test_planted_groups_are_the_finest_communities(found):
    *_, groups, tables = found
    finest = tables.communities[tables.communities["level"] == tables.communities["level"].max()]
    planted = {frozenset(f"e{i}" for i in np.flatnonzero(groups == g)) for g in range(8)}
    assert {frozenset(ids) for ids in finest["entity_ids"]} == planted


def test_relationships_and_text_units_follow_the_entities(found):
    entities, relationships, _, tables = found
    ends = {row.id: (f"e{row.source[1:]}", f"e{row.target[1:]}")
            for row in relationships.itertuples()}
    units = dict(zip(entities["id"], entities["text_unit_ids"]))
    relationship_units = dict(zip(relationships["id"], relationships["text_unit_ids"]))
    for row in tables.communities.itertuples():
        members = set(row.entity_ids)
        inside = [r for r in relationships["id"] if set(ends[r]) <= members]
        assert row.relationship_ids == inside
        expected = list(dict.fromkeys(
            [u for e in row.entity_ids for u in units[e]]
            + [u for r in inside for u in relationship_units[r]]))
        assert row.text_unit_ids == expected


def test_same_seed_same_tables_and_ids_as_endpoints():
    entities, relationships, _ = _tables(seed=2)
    first = graphrag.run_communities(entities, relationships, seed=5, trials=2)
    again = graphrag.run_communities(entities, relationships, seed=5, trials=2)
    pd.testing.assert_frame_equal(first.communities, again.communities)
    pd.testing.assert_frame_equal(first.nodes, again.nodes)
    by_id = relationships.assign(source="e" + relationships["source"].str[1:],
                                 target="e" + relationships["target"].str[1:])
    other = graphrag.run_communities(entities, by_id, endpoint_col="id", seed=5, trials=2)
    pd.testing.assert_frame_equal(first.communities, other.communities)


def test_two_level_unweighted_and_period():
    entities, relationships, groups = _tables(seed=3)
    tables = graphrag.run_communities(entities, relationships.drop(columns=["weight", "id"]),
                                      weight_col=None, two_level=True, period="2026-11-28")
    communities = tables.communities
    assert (communities["level"] == 0).all() and (communities["parent"] == -1).all()
    assert (communities["period"] == "2026-11-28").all()
    assert all(children == [] for children in communities["children"])
    # without an id column the relationship ids are row positions
    assert sorted(r for ids in communities["relationship_ids"] for r in ids) == sorted(
        set(r for ids in communities["relationship_ids"] for r in ids))
    assert all(isinstance(r, int) for ids in communities["relationship_ids"] for r in ids)


def test_parquet_round_trip(tmp_path):
    entities, relationships, _ = _tables()
    entities.to_parquet(tmp_path / "entities.parquet")
    relationships.to_parquet(tmp_path / "relationships.parquet")
    tables = graphrag.run_parquet(tmp_path, tmp_path / "out", trials=2)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "communities.parquet", "infomap_nodes.parquet"]
    back = pd.read_parquet(tmp_path / "out" / "communities.parquet")
    assert back["entity_ids"].map(list).tolist() == tables.communities["entity_ids"].tolist()
    assert back[["community", "parent", "level", "size"]].equals(
        tables.communities[["community", "parent", "level", "size"]])
    nodes = pd.read_parquet(tmp_path / "out" / "infomap_nodes.parquet")
    assert nodes["entity_id"].tolist() == tables.nodes["entity_id"].tolist()
    with pytest.raises(InputFormatError, match=r"nowhere.*entities.parquet: no such file"):
        graphrag.run_parquet(tmp_path / "nowhere")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "entities.parquet").write_text("not parquet")
    (tmp_path / "bad" / "relationships.parquet").write_text("not parquet")
    with pytest.raises(InputFormatError, match="not a readable Parquet table"):
        graphrag.run_parquet(tmp_path / "bad")


@pytest.mark.parametrize("change, message", [
    (lambda e, r: (e.drop(columns="title"), r), "the entities table has no column 'title'"),
    (lambda e, r: (e, r.drop(columns="target")), "the relationships table has no column 'target'"),
    (lambda e, r: (e, r.drop(columns="weight")),
     "the relationships table has no column 'weight' (pass weight_col=None"),
    (lambda e, r: (e, r.assign(source=["T0"] * (len(r) - 1) + ["Nobody"])),
     "names 'Nobody' in column 'source' (row"),
    (lambda e, r: (e.assign(title=["T0"] * len(e)), r), "the entities table repeats 'title' 'T0'"),
    (lambda e, r: (e.assign(id=[None] + list(e["id"][1:])), r),
     "the entities table has a missing 'id' in row 0"),
    (lambda e, r: (e, r.assign(weight=-1.0)), "must hold finite weights >= 0, got -1.0 in row 0"),
    (lambda e, r: (e, r.iloc[:0]), "the relationships table is empty"),
])
def test_clear_errors(change, message):
    entities, relationships, _ = _tables()
    entities, relationships = change(entities, relationships)
    with pytest.raises(InfomapArgumentError) as err:
        graphrag.run_communities(entities, relationships, trials=1)
    assert message in str(err.value)


def test_wrong_types_and_endpoint():
    entities, relationships, _ = _tables()
    with pytest.raises(TypeError, match="relationships must be a pandas DataFrame, got list"):
        graphrag.run_communities(entities, [])
    with pytest.raises(InfomapArgumentError, match="endpoint_col must be 'title' or 'id'"):
        graphrag.run_communities(entities, relationships, endpoint_col="name")


def test_the_official_package_writes_the_same_tables(tmp_path, found):
    """The official ``run_graphrag_communities`` (a test oracle) on the same
    Parquet files: the same columns, types and communities."""
    official = pytest.importorskip("infomap.tl")
    entities, relationships, _, tables = found
    entities.to_parquet(tmp_path / "entities.parquet")
    relationships.to_parquet(tmp_path / "relationships.parquet")
    theirs = official.run_graphrag_communities(input_dir=tmp_path)
    ours = tables.communities
    assert list(ours.columns) == list(theirs.communities.columns)
    assert ours.drop(columns=["period"]).dtypes.equals(
        theirs.communities.drop(columns=["period"]).dtypes)
    for column in ("id", "community", "parent", "children", "level", "title", "entity_ids",
                   "relationship_ids", "text_unit_ids", "size"):
        assert ours[column].map(lambda v: list(v) if isinstance(v, np.ndarray) else v).tolist() \
            == theirs.communities[column].tolist(), column
    shared = [c for c in theirs.nodes.columns]
    assert set(shared) <= set(tables.nodes.columns)
    pd.testing.assert_frame_equal(tables.nodes[shared], theirs.nodes[shared],
                                  check_exact=False, rtol=1e-9)
    assert tables.result.codelength == pytest.approx(theirs.result.codelength, abs=1e-9)
