"""Hierarchical communities of a small GraphRAG knowledge graph with Infomap.

Builds the two tables a GraphRAG index holds (``entities`` and
``relationships``, as Parquet files in a temporary folder standing in for
GraphRAG's ``output`` folder), finds communities with the multilevel map
equation, writes ``communities.parquet`` and ``infomap_nodes.parquet`` beside
them, and prints the community tree.  Needs pandas and pyarrow (the
``graphrag`` extra); runs offline in a few seconds.

Usage: python examples/graphrag_communities.py
"""

import tempfile
from pathlib import Path

import pandas as pd

from infomap_py import graphrag

#: Four topics in two domains; each topic's entities are mentioned together.
TOPICS = {
    "orbits": ["NEWTON", "GRAVITY", "KEPLER", "ORBIT", "PLANET", "TELESCOPE"],
    "genetics": ["DNA", "GENE", "PROTEIN", "RIBOSOME", "ENZYME", "CELL"],
    "baroque music": ["BACH", "FUGUE", "ORGAN", "CANTATA", "LEIPZIG", "CHOIR"],
    "impressionism": ["MONET", "CANVAS", "GIVERNY", "WATER LILIES", "SALON", "LIGHT"],
}
#: A few links between topics: science with science, art with art, one across.
BRIDGES = [("NEWTON", "CELL"), ("TELESCOPE", "DNA"), ("ORBIT", "ENZYME"), ("BACH", "SALON"),
           ("CHOIR", "MONET"), ("LIGHT", "TELESCOPE")]


def knowledge_graph() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return GraphRAG-shaped ``entities`` and ``relationships`` tables."""
    titles = [title for members in TOPICS.values() for title in members]
    entities = pd.DataFrame({
        "id": [f"entity-{k}" for k in range(len(titles))],
        "title": titles,
        "type": ["CONCEPT"] * len(titles),
        "text_unit_ids": [[f"chunk-{k // 3}"] for k in range(len(titles))],
    })
    pairs = []
    for members in TOPICS.values():  # every pair within a topic, every other one twice as strong
        pairs += [(a, b, 1.0 + (i + j) % 2) for i, a in enumerate(members)
                  for j, b in enumerate(members) if i < j]
    pairs += [(a, b, 1.0) for a, b in BRIDGES]
    relationships = pd.DataFrame(pairs, columns=["source", "target", "weight"])
    relationships["id"] = [f"rel-{k}" for k in range(len(relationships))]
    relationships["description"] = (relationships["source"] + " relates to "
                                    + relationships["target"])
    relationships["text_unit_ids"] = [[f"chunk-{100 + k // 4}"] for k in range(len(relationships))]
    return entities, relationships


def main() -> None:
    """Write the tables, find the communities and print their tree."""
    entities, relationships = knowledge_graph()
    with tempfile.TemporaryDirectory() as folder:
        index = Path(folder)
        entities.to_parquet(index / "entities.parquet")
        relationships.to_parquet(index / "relationships.parquet")
        tables = graphrag.run_parquet(index, index, seed=1)
        written = sorted(p.name for p in index.iterdir())
    print(f"{tables.result}\nwrote {', '.join(written)}\n")
    communities = tables.communities
    titles = dict(zip(entities["id"], entities["title"]))
    for row in communities.itertuples():
        indent = "    " * row.level
        names = ", ".join(titles[e] for e in row.entity_ids)
        print(f"{indent}{row.title} (level {row.level}, {row.size} entities, "
              f"{len(row.relationship_ids)} relationships, {len(row.text_unit_ids)} text units)")
        if not row.children:
            print(f"{indent}    {names}")
    print("\nnode table:")
    print(tables.nodes.head(6).to_string(index=False))


if __name__ == "__main__":
    main()
