"""Train a small VQ-VAE on scikit-learn's 8x8 digits and save reconstructions.

Trains :class:`neural.vqvae.VQVAE` (a 4x4 grid of codes from a 32-code EMA
codebook) for about a minute on the CPU, prints the reconstruction error
before and after training, on the training images and on held-out ones, the
codebook usage and perplexity, and saves held-out originals above their
reconstructions as a PNG.

Usage::

    python examples/neural/vqvae_digits.py [--epochs 50] [--out PATH] [--threads 1]

Nothing is downloaded: the digits ship with scikit-learn.  One thread is the
default because this model is small: on a busy 2-core machine two threads can
be many times slower than one.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

try:
    import neural.vqvae  # noqa: F401
except ImportError:  # running from a checkout without installing it
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import torch

from neural.vqvae import VQVAE, load_digits_images, train_vqvae

DEFAULT_OUT = Path(__file__).resolve().parent / "figures" / "vqvae_digits.png"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse and check the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=50, help="passes over the data (50)")
    parser.add_argument("--batch-size", type=int, default=64, help="images per step (64)")
    parser.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate (2e-3)")
    parser.add_argument("--num-codes", type=int, default=32, help="codebook size (32)")
    parser.add_argument("--holdout", type=int, default=297, help="images kept out of training")
    parser.add_argument("--seed", type=int, default=0, help="seed of split, model, shuffling")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (1)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="PNG to write")
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "num_codes", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    if not 0 <= args.holdout < 1797 - 1:
        parser.error(f"--holdout must be in [0, 1796), got {args.holdout}")
    return args


@torch.no_grad()
def mse(model: VQVAE, images: torch.Tensor) -> float:
    """Return the model's reconstruction error on ``images`` in evaluation mode."""
    return float(model.eval()(images).reconstruction_error)


def save_figure(
    originals: torch.Tensor, reconstructions: torch.Tensor, path: Path, title: str
) -> None:
    """Save rows of originals above rows of their reconstructions (Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    per_row = 10
    pairs = (len(originals) + per_row - 1) // per_row
    fig, axes = plt.subplots(2 * pairs, per_row, figsize=(per_row * 0.9, 2 * pairs * 0.95))
    for i in range(pairs * per_row):
        row, col = divmod(i, per_row)
        for offset, images, label in ((0, originals, "original"), (1, reconstructions, "VQ-VAE")):
            ax = axes[2 * row + offset, col]
            ax.set_xticks([])
            ax.set_yticks([])
            if i < len(images):
                ax.imshow(images[i, 0].numpy(), cmap="gray_r", vmin=0, vmax=1)
            else:
                ax.axis("off")
            if col == 0:
                ax.set_ylabel(label, fontsize=8)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    """Train, print the figures, save the PNG; return the exit status."""
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    images = load_digits_images()
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(args.seed))
    held_out, train = images[order[: args.holdout]], images[order[args.holdout :]]
    model = VQVAE(num_codes=args.num_codes, seed=args.seed)
    held_out_before = mse(model, held_out) if args.holdout else float("nan")

    start = time.perf_counter()
    model, history = train_vqvae(
        train, model, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed
    )
    seconds = time.perf_counter() - start
    held_out_after = mse(model, held_out) if args.holdout else float("nan")

    first, last = history.reconstruction_error[0], history.reconstruction_error[-1]
    print(f"VQ-VAE on {len(train)} digits (8x8), {args.epochs} epochs, {args.threads} thread(s)")
    print(
        f"reconstruction MSE (train):    {first:.5f} -> {last:.5f}  ({1 - last / first:.1%} lower)"
    )
    if args.holdout:
        print(
            f"reconstruction MSE (held out): {held_out_before:.5f} -> {held_out_after:.5f}"
            f"  ({len(held_out)} digits)"
        )
    print(
        f"codebook usage: {history.usage[-1]:.2f} of {args.num_codes} codes "
        f"(before training {history.usage[0]:.2f})"
    )
    print(
        f"code perplexity: {history.perplexity[-1]:.2f} of at most {args.num_codes} "
        f"(before training {history.perplexity[0]:.2f})"
    )
    print(f"training time: {seconds:.1f} s")

    if args.holdout >= 20:
        shown, which, before, after = held_out[:20], "held-out", held_out_before, held_out_after
    else:
        shown, which, before, after = train[:20], "training", first, last
    with torch.no_grad():
        reconstructions = model(shown).reconstruction
    title = (
        f"{which} digits above their VQ-VAE reconstructions (4x4 grid of codes from "
        f"{args.num_codes}; {which} MSE {before:.4f} -> {after:.4f})"
    )
    save_figure(shown, reconstructions, args.out, title)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
