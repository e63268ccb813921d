"""Train a small VQ-VAE on scikit-learn's 8x8 digits and save reconstructions.

Trains :class:`neural.vqvae.VQVAE` (a 4x4 grid of codes from a 32-code EMA
codebook) for about a minute on the CPU, prints the reconstruction error
before and after training, on the training images and on held-out ones, the
codebook usage and perplexity, and saves held-out originals above their
reconstructions as a PNG.

The error before training is that of an untrained network, a weak
reference; so the script also prints, on the same split, three baselines
that spend the VQ-VAE's bit budget (a 4x4 grid of codes from ``num_codes``:
16 log2(num_codes) bits per image, 80 bits for 32 codes) or none:

* ``mean image``: every image coded as the training mean (0 bits);
* ``PCA``: the top principal components of the training images, each
  coefficient quantised uniformly over its training range, the split of
  the budget (components x bits) that codes the training images best;
* ``k-means on patches``: ``num_codes`` centroids of the 2x2 patches the
  grid cells cover (scikit-learn's KMeans), every patch coded by its
  nearest centroid: the VQ-VAE's code layout without the networks.

Usage::

    python examples/neural/vqvae_digits.py [--epochs 50] [--out PATH] [--threads 1]

Nothing is downloaded: the digits ship with scikit-learn.  One thread is the
default because this model is small: on a busy 2-core machine two threads can
be many times slower than one.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

try:
    import neural.vqvae  # noqa: F401
except ImportError:  # running from a checkout without installing it
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import torch

from neural.vqvae import VQVAE, load_digits_images, train_vqvae

#: The finest quantisation of a PCA coefficient the baseline tries.
MAX_COEFFICIENT_BITS = 16

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


def patches(images: torch.Tensor, size: int = 2) -> torch.Tensor:
    """Return the non-overlapping ``size x size`` patches of ``(n, 1, h, w)`` images.

    The result has shape ``(n * h * w / size^2, size^2)``.
    """
    n, _, h, w = images.shape
    grid = images.reshape(n, h // size, size, w // size, size).permute(0, 1, 3, 2, 4)
    return grid.reshape(-1, size * size)


def pca_codec(train: torch.Tensor, bits: int) -> tuple[int, int, object]:
    """Return ``(components, bits per component, code)`` of the best PCA codec.

    Of the PCA codecs of ``bits`` bits per image (components times bits per
    quantised coefficient) the one that reconstructs ``train`` best;
    ``code(images)`` returns the reconstructions.
    """
    x = train.reshape(len(train), -1).double()
    mean = x.mean(0)
    _, _, vt = torch.linalg.svd(x - mean, full_matrices=False)

    def codec(components: int, depth: int):
        basis = vt[:components]
        scores = (x - mean) @ basis.T
        low, high = scores.min(0).values, scores.max(0).values
        levels = 2**depth - 1

        def code(images: torch.Tensor) -> torch.Tensor:
            y = (images.reshape(len(images), -1).double() - mean) @ basis.T
            step = torch.round((y.clamp(low, high) - low) / (high - low) * levels)
            return (low + step / levels * (high - low)) @ basis + mean

        return code

    best = None
    for depth in range(1, min(bits, MAX_COEFFICIENT_BITS) + 1):
        components = min(bits // depth, x.shape[1])
        code = codec(components, depth)
        error = float(((code(train) - x) ** 2).mean())
        if best is None or error < best[0]:
            best = (error, components, depth, code)
    return best[1], best[2], best[3]


def baseline_errors(
    train: torch.Tensor, held_out: torch.Tensor, num_codes: int, seed: int
) -> dict[str, tuple[float, float, str]]:
    """Return ``{name: (train MSE, held-out MSE, note)}`` of the baselines."""
    from sklearn.cluster import KMeans

    def errors(code) -> tuple[float, float]:
        return tuple(
            float(((code(images).reshape(images.shape).float() - images) ** 2).mean())
            for images in (train, held_out)
        )

    bits = 16 * math.ceil(math.log2(num_codes))
    found = {"mean image": (*errors(lambda images: train.mean(0).expand_as(images)), "0 bits")}
    components, depth, code = pca_codec(train, bits)
    found["PCA"] = (*errors(code), f"{components} components x {depth} bits")
    kmeans = KMeans(num_codes, n_init=4, random_state=seed).fit(patches(train).numpy())
    centroids = torch.as_tensor(kmeans.cluster_centers_, dtype=train.dtype)

    def nearest_patch(images: torch.Tensor) -> torch.Tensor:
        n, _, h, w = images.shape
        coded = centroids[torch.cdist(patches(images), centroids).argmin(1)]
        grid = coded.reshape(n, h // 2, w // 2, 2, 2).permute(0, 1, 3, 2, 4)
        return grid.reshape(images.shape)

    found["k-means on patches"] = (*errors(nearest_patch), f"{num_codes} codes x 16 cells")
    return found


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
        f"codebook usage: {round(history.usage[-1] * args.num_codes)} of {args.num_codes} codes "
        f"(before training {round(history.usage[0] * args.num_codes)})"
    )
    print(
        f"code perplexity: {history.perplexity[-1]:.2f} of at most {args.num_codes} "
        f"(before training {history.perplexity[0]:.2f})"
    )
    print(f"training time: {seconds:.1f} s")
    bits = 16 * math.ceil(math.log2(args.num_codes))
    print(f"\nbaselines on the same split (MSE; the VQ-VAE spends {bits} bits per image):")
    print(f"{'coder':<20}{'train':>9}{'held out':>10}  budget")
    print(f"{'VQ-VAE':<20}{last:>9.5f}{held_out_after:>10.5f}  {bits} bits")
    for name, (on_train, on_held_out, note) in baseline_errors(
        train, held_out, args.num_codes, args.seed
    ).items():
        print(f"{name:<20}{on_train:>9.5f}{on_held_out:>10.5f}  {note}")

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
