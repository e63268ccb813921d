"""GraphRAG front door: Infomap's module tree as GraphRAG community tables.

A GraphRAG index holds an ``entities`` table (one row per entity: ``id``,
``title``, ``text_unit_ids``, ...) and a ``relationships`` table (one row per
relationship: ``source`` and ``target`` entity titles, ``weight``, ``id``,
``text_unit_ids``, ...).  GraphRAG's own community step runs hierarchical
Leiden on that graph; :func:`run_communities` runs the multilevel map
equation instead and returns a ``communities`` table in GraphRAG's shape
(``id``, ``human_readable_id``, ``community``, ``parent``, ``children``,
``level``, ``title``, ``entity_ids``, ``relationship_ids``,
``text_unit_ids``, ``period``, ``size``) and a node table, so Infomap's
hierarchy can take Leiden's place.  :func:`run_parquet` reads and writes the
Parquet files of an index.  pandas and pyarrow are imported on the first call
(the ``graphrag`` extra).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .adapters import import_optional
from .errors import InfomapArgumentError, InputFormatError
from .network import Network, unit_weights

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from .result import InfomapResult

__all__ = ["GraphRAGCommunities", "run_communities", "run_parquet", "write_parquet"]

#: The columns of the communities table, in GraphRAG's order.
COMMUNITY_COLUMNS = ["id", "human_readable_id", "community", "parent", "children", "level",
                     "title", "entity_ids", "relationship_ids", "text_unit_ids", "period", "size"]
#: The columns of the node table.
NODE_COLUMNS = ["node_id", "entity_id", "entity_title", "module_id", "module_path", "level",
                "community", "flow"]
#: The file names :func:`write_parquet` writes.
COMMUNITIES_FILE = "communities.parquet"
NODES_FILE = "infomap_nodes.parquet"
_TEXT_UNITS = "text_unit_ids"


@dataclass(frozen=True)
class GraphRAGCommunities:
    """The tables of a GraphRAG community run.

    Attributes
    ----------
    communities : pandas.DataFrame
        One row per community of every level (see :func:`run_communities`).
    nodes : pandas.DataFrame
        One row per clustered entity, by top module, then in the order of
        the entities table.
    result : InfomapResult
        The run itself (codelength, tree, flow), its nodes the entity ids.
    """

    communities: pandas.DataFrame
    nodes: pandas.DataFrame
    result: InfomapResult


def run_communities(
    entities: pandas.DataFrame,
    relationships: pandas.DataFrame,
    *,
    endpoint_col: str = "title",
    entity_id_col: str = "id",
    entity_title_col: str = "title",
    source_col: str = "source",
    target_col: str = "target",
    weight_col: str | None = "weight",
    relationship_id_col: str | None = "id",
    directed: bool = False,
    two_level: bool = False,
    trials: int = 5,
    seed: int = 123,
    period: str | None = None,
    **options: Any,
) -> GraphRAGCommunities:
    """Find hierarchical communities of a GraphRAG knowledge graph.

    The entities named by some relationship are clustered with the
    multilevel map equation; every level of the module tree becomes a
    level of communities.  Level 0 holds the top modules, level 1 their
    sub-modules, and so on down to the deepest level of the tree; an entity
    whose branch of the tree ends higher stays in its deepest module, which
    then appears again, alone, one level down, so every level is a
    partition of all clustered entities (as in the official package).

    Parameters
    ----------
    entities : pandas.DataFrame
        GraphRAG's entity table: unique ids in ``entity_id_col``, titles in
        ``entity_title_col``, and optionally lists of ``text_unit_ids``.
    relationships : pandas.DataFrame
        GraphRAG's relationship table: end points in ``source_col`` and
        ``target_col``, weights in ``weight_col``, ids in
        ``relationship_id_col`` and optionally lists of ``text_unit_ids``.
    endpoint_col : {"title", "id"}
        What the relationship end points name: entity titles (GraphRAG's
        tables; titles must then be unique) or entity ids.
    entity_id_col, entity_title_col, source_col, target_col : str
        Column names.
    weight_col : str or None
        The column of link weights; ``None`` gives every relationship
        weight 1.  Relationships repeated between two entities add up.
    relationship_id_col : str or None
        The column of relationship ids; ``None``, or a table without that
        column, uses the row positions 0, 1, ...
    directed : bool
        Read relationships as directed links (GraphRAG's graph is
        undirected).
    two_level : bool
        Find one level of communities only.
    trials : int
        Independent runs; the shortest codelength wins (default 5, as the
        official package's ``run_graphrag_communities``).
    seed : int
        Seed of every random choice: the same seed gives the same tables.
    period : str or None
        The value of the ``period`` column (GraphRAG writes the date of the
        run, e.g. ``"2026-11-28"``); ``None`` leaves it empty.
    **options
        Any other keyword of :func:`infomap_py.cluster`.

    Returns
    -------
    GraphRAGCommunities
        ``communities``: one row per community, ordered by path in the tree
        (a community, then its sub-communities).  ``community`` and
        ``human_readable_id`` count from 1 in that order; ``id`` is
        ``"infomap-"`` and the path of level-wide module numbers (``"2.4"``:
        community 4 of level 1, inside community 2 of level 0); ``parent``
        is the ``community`` above (-1 at level 0); ``children`` the
        ``community`` numbers one level down; ``entity_ids`` its entities (in
        the order of the entities table); ``relationship_ids`` the relationships with both
        ends in it; ``text_unit_ids`` the text units of its entities, then
        of its relationships, each once; ``size`` its number of entities.
        ``nodes``, by top module, then in the order of ``entities``:
        ``node_id`` (the entity's row in ``entities``, from 1),
        ``entity_id``, ``entity_title``, ``module_id`` (its level-0
        community's module number), ``module_path`` (its module number at
        every level), ``level`` (the number of levels), ``community`` (its
        deepest community) and ``flow``.

    Raises
    ------
    InfomapArgumentError
        When a table lacks a column (the message names the table and the
        column), entity ids (or, with ``endpoint_col="title"``, titles) are
        missing or repeated, or a relationship names an entity that is not
        in ``entities``.
    TypeError
        When a table is not a pandas DataFrame.

    Notes
    -----
    Deliberate differences from the official package's
    ``run_graphrag_communities``: a relationship naming an unknown entity is
    an error (the official adds the name as a new entity); a missing
    ``weight`` column is an error unless ``weight_col=None`` (as the
    official); the node table has a ``community`` column; ``period`` can be
    set; no ``infomap_run.json`` is written.  Module numbers, level
    numbering, ``id``, ``title``, parents, children and the assignment of
    relationships and text units follow the official.  Entities that no
    relationship names are left out of every community, as GraphRAG's
    Leiden step and the official leave them out.

    Examples
    --------
    >>> import pandas as pd
    >>> from infomap_py import graphrag
    >>> entities = pd.DataFrame({"id": [f"e{i}" for i in range(6)],
    ...                          "title": list("ABCDEF")})
    >>> relationships = pd.DataFrame({"source": list("ABCDEFA"), "target": list("BCAEFDD")})
    >>> tables = graphrag.run_communities(entities, relationships, weight_col=None)
    >>> tables.communities[["community", "level", "parent", "size"]].values.tolist()
    [[1, 0, -1, 3], [2, 0, -1, 3]]
    >>> tables.communities["entity_ids"].tolist()
    [['e0', 'e1', 'e2'], ['e3', 'e4', 'e5']]
    """
    from .api import cluster

    pd = import_optional("pandas", "graphrag")
    _check_table(entities, "entities", pd)
    _check_table(relationships, "relationships", pd)
    if endpoint_col not in ("title", "id"):
        raise InfomapArgumentError(f"endpoint_col must be 'title' or 'id', got {endpoint_col!r}")
    _require(entities, "entities", [entity_id_col, entity_title_col])
    _require(relationships, "relationships", [source_col, target_col])
    if weight_col is not None:
        _require(relationships, "relationships", [weight_col],
                 hint=" (pass weight_col=None to give every relationship weight 1)")
    if len(relationships) == 0:
        raise InfomapArgumentError("the relationships table is empty: there is no graph to "
                                   "cluster")
    _check_unique(entities, entity_id_col)
    key_col = entity_title_col if endpoint_col == "title" else entity_id_col
    if key_col != entity_id_col:
        _check_unique(entities, key_col)

    index = pd.Index(entities[key_col])
    ends = [_entity_rows(index, relationships, column, key_col) for column in
            (source_col, target_col)]
    used = np.unique(np.concatenate(ends))
    node_of_row = np.full(len(entities), -1, dtype=np.int64)
    node_of_row[used] = np.arange(used.size)
    source, target = node_of_row[ends[0]], node_of_row[ends[1]]
    weights = _weights(relationships, weight_col, pd)
    entity_ids = entities[entity_id_col].to_numpy(dtype=object)[used]
    network = Network(source, target, weights, int(used.size), bool(directed),
                      entity_ids.tolist())
    result = cluster(network, trials=trials, seed=seed, two_level=two_level, **options)

    paths = _level_numbers(result.tree)
    order = np.argsort(paths[:, 0], kind="stable")  # by top module, then entity row
    if relationship_id_col is not None and relationship_id_col in relationships.columns:
        relationship_ids = relationships[relationship_id_col].to_numpy(dtype=object)
    else:
        relationship_ids = np.arange(len(relationships))
    communities = _communities_table(
        paths, order, entity_ids, source, target, relationship_ids,
        _text_units(entities, used), _text_units(relationships, None), period, pd)
    nodes = _nodes_table(paths, order, used, entity_ids,
                         entities[entity_title_col].to_numpy(dtype=object)[used],
                         result.flow, communities, pd)
    return GraphRAGCommunities(communities=communities, nodes=nodes, result=result)


def run_parquet(
    input_dir: str | os.PathLike,
    output_dir: str | os.PathLike | None = None,
    *,
    entities_name: str = "entities.parquet",
    relationships_name: str = "relationships.parquet",
    **options: Any,
) -> GraphRAGCommunities:
    """Read a GraphRAG index's Parquet tables, find communities, write them.

    Parameters
    ----------
    input_dir : str or os.PathLike
        The folder holding ``entities_name`` and ``relationships_name``
        (GraphRAG's ``output`` folder).
    output_dir : str or os.PathLike or None
        Where to write ``communities.parquet`` and ``infomap_nodes.parquet``
        (see :func:`write_parquet`); ``None`` writes nothing.
    entities_name, relationships_name : str
        The file names of the two tables.
    **options
        Keywords of :func:`run_communities`.

    Returns
    -------
    GraphRAGCommunities

    Raises
    ------
    InputFormatError
        When a table is missing or is not a Parquet file.
    """
    pd = import_optional("pandas", "graphrag")
    import_optional("pyarrow", "graphrag")
    tables = []
    for name in (entities_name, relationships_name):
        path = Path(os.fspath(input_dir)) / name
        if not path.is_file():
            raise InputFormatError(path, None, "no such file; input_dir must hold GraphRAG's "
                                               f"{entities_name} and {relationships_name}")
        try:
            tables.append(pd.read_parquet(path))
        except Exception as err:  # pyarrow raises several types for a bad file
            raise InputFormatError(path, None, f"not a readable Parquet table ({err})") from err
    found = run_communities(tables[0], tables[1], **options)
    if output_dir is not None:
        write_parquet(found, output_dir)
    return found


def write_parquet(tables: GraphRAGCommunities, output_dir: str | os.PathLike) -> None:
    """Write ``communities.parquet`` and ``infomap_nodes.parquet`` to ``output_dir``.

    Both files appear together or not at all (each is written to a
    temporary file first); the folder is created if needed.

    Parameters
    ----------
    tables : GraphRAGCommunities
        What :func:`run_communities` returned.
    output_dir : str or os.PathLike
        The folder to write to.

    Raises
    ------
    OutputError
        When a file cannot be written (no file is then left half-written).
    """
    from .errors import OutputError
    from .io._atomic import atomic_group, write_atomically

    import_optional("pyarrow", "graphrag")
    folder = Path(os.fspath(output_dir))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(folder, err.strerror or str(err)) from err
    with atomic_group():
        for name, table in ((COMMUNITIES_FILE, tables.communities), (NODES_FILE, tables.nodes)):
            write_atomically(folder / name,
                             lambda temp, table=table: table.to_parquet(temp, index=False))


def _check_table(table: Any, name: str, pd: Any) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")


def _require(table: Any, name: str, columns: list[str], hint: str = "") -> None:
    for column in columns:
        if column not in table.columns:
            raise InfomapArgumentError(
                f"the {name} table has no column {column!r}{hint}; its columns are "
                f"{list(map(str, table.columns))}")


def _check_unique(entities: Any, column: str) -> None:
    values = entities[column]
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise InfomapArgumentError(f"the entities table has a missing {column!r} in row {row}")
    repeated = values.duplicated()
    if repeated.any():
        row = int(np.flatnonzero(repeated.to_numpy())[0])
        raise InfomapArgumentError(
            f"the entities table repeats {column!r} {values.iloc[row]!r} (row {row}); "
            f"relationship end points need unique entity {column}s")


def _entity_rows(index: Any, relationships: Any, column: str, key_col: str) -> np.ndarray:
    """Return the entity row of every relationship's end point in ``column``."""
    rows = index.get_indexer(relationships[column])
    unknown = rows < 0
    if unknown.any():
        k = int(np.flatnonzero(unknown)[0])
        value = relationships[column].iloc[k]
        raise InfomapArgumentError(
            f"the relationships table names {value!r} in column {column!r} (row {k}), which is "
            f"no {key_col!r} of the entities table ({int(unknown.sum())} such end point(s) in "
            f"column {column!r})")
    return rows.astype(np.int64)


def _weights(relationships: Any, weight_col: str | None, pd: Any) -> np.ndarray:
    if weight_col is None:
        return unit_weights(len(relationships))
    column = relationships[weight_col]
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        raise InfomapArgumentError(
            f"the relationships column {weight_col!r} must hold numbers, got dtype {column.dtype}")
    weights = column.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(weights) | (weights < 0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InfomapArgumentError(
            f"the relationships column {weight_col!r} must hold finite weights >= 0, got "
            f"{weights[k]} in row {k}")
    return weights


def _level_numbers(tree: Any) -> np.ndarray:
    """Return, per node and community level, the level-wide module number
    (from 1, in depth-first tree order) of the node's module at that depth
    (its deepest module where its branch ends higher): shape
    ``(num_nodes, num_levels - 1)``."""
    position = np.empty(tree.parent.shape[0], dtype=np.int64)
    position[tree.module_order()] = np.arange(tree.parent.shape[0])
    depths = max(tree.num_levels - 1, 1)
    numbers = np.empty((tree.leaf_module.shape[0], depths), dtype=np.int64)
    for level in range(depths):
        place = position[tree.ancestors_at(level + 1)]
        numbers[:, level] = np.unique(place, return_inverse=True)[1] + 1
    return numbers


def _text_units(table: Any, rows: np.ndarray | None) -> list[list] | None:
    """Return the text-unit ids of every row (of ``rows``), as lists, or
    ``None`` for a table without a ``text_unit_ids`` column."""
    if _TEXT_UNITS not in table.columns:
        return None
    values = table[_TEXT_UNITS].to_numpy(dtype=object)
    if rows is not None:
        values = values[rows]
    return [_as_list(value) for value in values]


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, float) and np.isnan(value):
        return []
    if hasattr(value, "tolist"):
        value = value.tolist()
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _unique(lists: Any) -> list:
    return list(dict.fromkeys(item for items in lists for item in items))


def _communities_table(paths: np.ndarray, order: np.ndarray, entity_ids: np.ndarray,
                       source: np.ndarray, target: np.ndarray, relationship_ids: np.ndarray,
                       entity_units: list[list] | None, relationship_units: list[list] | None,
                       period: str | None, pd: Any) -> Any:
    prefixes = sorted({tuple(row[:level + 1]) for row in paths.tolist()
                       for level in range(paths.shape[1])})
    community = {prefix: k for k, prefix in enumerate(prefixes, start=1)}
    children: dict[tuple, list[int]] = {prefix: [] for prefix in prefixes}
    for prefix in prefixes:
        if len(prefix) > 1:
            children[prefix[:-1]].append(community[prefix])
    members: dict[tuple, list[int]] = {prefix: [] for prefix in prefixes}
    links: dict[tuple, list[int]] = {prefix: [] for prefix in prefixes}
    for level in range(paths.shape[1]):
        for node in order.tolist():
            members[tuple(paths[node, :level + 1].tolist())].append(node)
        inside = np.flatnonzero(paths[source, level] == paths[target, level])
        for link in inside.tolist():
            links[tuple(paths[source[link], :level + 1].tolist())].append(link)
    rows = []
    for prefix in prefixes:
        nodes, inside = members[prefix], links[prefix]
        units = []
        if entity_units is not None:
            units.append(_unique(entity_units[node] for node in nodes))
        if relationship_units is not None:
            units.append(_unique(relationship_units[link] for link in inside))
        label = ".".join(map(str, prefix))
        rows.append({
            "id": f"infomap-{label}",
            "human_readable_id": community[prefix],
            "community": community[prefix],
            "parent": community.get(prefix[:-1], -1),
            "children": children[prefix],
            "level": len(prefix) - 1,
            "title": f"Infomap community {label}",
            "entity_ids": entity_ids[nodes].tolist(),
            "relationship_ids": relationship_ids[inside].tolist(),
            "text_unit_ids": _unique(units),
            "period": period,
            "size": len(nodes),
        })
    return pd.DataFrame(rows, columns=COMMUNITY_COLUMNS)


def _nodes_table(paths: np.ndarray, order: np.ndarray, used: np.ndarray, entity_ids: np.ndarray,
                 titles: np.ndarray, flow: np.ndarray, communities: Any, pd: Any) -> Any:
    deepest = dict(zip(communities["id"], communities["community"]))
    path_lists = [paths[node].tolist() for node in order.tolist()]
    return pd.DataFrame({
        "node_id": used[order] + 1,
        "entity_id": entity_ids[order].tolist(),
        "entity_title": titles[order].tolist(),
        "module_id": paths[order, 0],
        "module_path": path_lists,
        "level": np.full(order.shape[0], paths.shape[1], dtype=np.int64),
        "community": [deepest["infomap-" + ".".join(map(str, path))] for path in path_lists],
        "flow": np.asarray(flow, dtype=np.float64)[order],
    }, columns=NODE_COLUMNS)
