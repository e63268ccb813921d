"""A discrete-latent VAE on scikit-learn's 8x8 digits, trained three ways.

The digits (bundled with scikit-learn, nothing is downloaded) are binarised
at half intensity.  The encoder gives ``num_latents`` independent
categoricals over ``num_categories`` values; the decoder gives a Bernoulli
per pixel; the prior is uniform.  The gradient through the discrete latent
is estimated with

* ``gumbel-softmax``: the soft relaxation at temperature ``tau`` (the decoder
  sees points in the simplex while training);
* ``straight-through``: one-hot forward, soft gradient backward;
* ``reinforce``: the score function with a running-mean baseline (the
  decoder gets its ordinary gradient).

A fourth run, ``gumbel-softmax annealed``, relaxes with a temperature that
falls geometrically from ``--anneal-from`` (1.0) to ``--tau`` over the
epochs, as the Gumbel-softmax paper anneals it.

Each model is scored on held-out digits by the true negative ELBO with
discrete samples (``-E_q[log p(x|z)] + KL(q(z|x) || uniform)``, the KL
exact), which is what the discrete model is worth but penalises a model
trained on the relaxation, and by the importance-weighted bound with
``--iw-samples`` discrete samples (``-log 1/K sum_k p(x, z_k) / q(z_k|x)``,
tighter than the ELBO and the bound the Gumbel-softmax paper reports).
With several ``--seeds`` (each seed draws the split, the initial weights
and the noise) it prints the mean and spread of both over the seeds.  For
the first seed it prints two gradient tables (bias and variance against
the exact gradient on a small categorical problem, and the variance of the
gradient with respect to the encoder's logits on one batch of digits), and
saves its training curves as a PNG.

Usage::

    python examples/neural/discrete_vae.py [--epochs 100] [--tau 0.5] [--seeds 0 1 2 3 4]
        [--out PATH]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

try:
    import neural  # noqa: F401
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from neural.estimators import compare_estimators, format_table
from neural.reparam import (
    RunningMeanBaseline,
    categorical_kl_uniform,
    categorical_log_prob,
    gumbel_max_sample,
    gumbel_softmax,
    score_function_surrogate,
)

ESTIMATORS = ("gumbel-softmax", "straight-through", "reinforce")
DEFAULT_OUT = Path(__file__).resolve().parent / "figures" / "discrete_vae.png"


def load_binarised_digits(test_fraction: float = 0.2, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Return ``(train, test)``: the 1797 digits as 64 binary pixels, split at random."""
    from sklearn.datasets import load_digits

    pixels = load_digits().data  # values 0..16
    x = torch.as_tensor(pixels >= 8, dtype=torch.float32)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
    num_test = int(round(test_fraction * len(x)))
    return x[order[num_test:]], x[order[:num_test]]


class DiscreteVAE(nn.Module):
    """An MLP encoder to ``num_latents`` categoricals and an MLP Bernoulli decoder."""

    def __init__(
        self,
        num_pixels: int = 64,
        num_latents: int = 20,
        num_categories: int = 10,
        hidden: int = 256,
    ) -> None:
        super().__init__()
        self.num_latents = num_latents
        self.num_categories = num_categories
        self.encoder = nn.Sequential(
            nn.Linear(num_pixels, hidden),
            nn.ReLU(),
            nn.Linear(hidden, num_latents * num_categories),
        )
        self.decoder = nn.Sequential(
            nn.Linear(num_latents * num_categories, hidden),
            nn.ReLU(),
            nn.Linear(hidden, num_pixels),
        )

    def encode(self, x: Tensor) -> Tensor:
        """Logits of q(z|x), shape (batch, num_latents, num_categories)."""
        return self.encoder(x).view(-1, self.num_latents, self.num_categories)

    def reconstruction_loss(self, z: Tensor, x: Tensor) -> Tensor:
        """-log p(x|z) per example for (relaxed) one-hot ``z`` of shape (..., D, K)."""
        logits = self.decoder(z.flatten(-2))
        return nn.functional.binary_cross_entropy_with_logits(
            logits, x.expand_as(logits), reduction="none"
        ).sum(-1)


def negative_elbo(
    model: DiscreteVAE, x: Tensor, num_samples: int = 10, generator: torch.Generator | None = None
) -> float:
    """Return the mean negative ELBO (nats per digit) with discrete samples from q(z|x)."""
    with torch.no_grad():
        logits = model.encode(x)
        kl = categorical_kl_uniform(logits).sum(-1)
        stacked = logits.unsqueeze(0).expand(num_samples, *logits.shape)
        index = gumbel_max_sample(stacked, generator=generator)
        z = nn.functional.one_hot(index, model.num_categories).float()
        return float((model.reconstruction_loss(z, x).mean(0) + kl).mean())


def importance_weighted_nll(
    model: DiscreteVAE,
    x: Tensor,
    num_samples: int = 100,
    generator: torch.Generator | None = None,
    chunk: int = 100,
) -> float:
    """Return the mean negative importance-weighted bound (nats per digit).

    With ``K = num_samples`` discrete samples ``z_k`` from q(z|x), the bound
    ``log 1/K sum_k p(x|z_k) p(z_k) / q(z_k|x)`` on log p(x) (p(z) uniform);
    ``K = 1`` is the ELBO in expectation, larger ``K`` is tighter.  Digits go
    ``chunk`` at a time.
    """
    log_prior = -model.num_latents * math.log(model.num_categories)
    bounds = []
    with torch.no_grad():
        for start in range(0, len(x), chunk):
            batch = x[start : start + chunk]
            logits = model.encode(batch)
            stacked = logits.unsqueeze(0).expand(num_samples, *logits.shape)
            index = gumbel_max_sample(stacked, generator=generator)
            z = nn.functional.one_hot(index, model.num_categories).float()
            log_q = categorical_log_prob(stacked, index).sum(-1)
            log_weight = -model.reconstruction_loss(z, batch) + log_prior - log_q
            bounds.append(torch.logsumexp(log_weight, 0) - math.log(num_samples))
    return float(-torch.cat(bounds).mean())


def training_loss(
    estimator: str,
    model: DiscreteVAE,
    x: Tensor,
    *,
    tau: float,
    baseline: RunningMeanBaseline,
    generator: torch.Generator,
    kl_weight: float = 1.0,
) -> Tensor:
    """Return a batch loss whose gradient is the chosen estimator of the ELBO's gradient.

    Its value is the negative ELBO of the batch (relaxed for ``gumbel-softmax``)
    with the KL term weighted by ``kl_weight``.
    """
    logits = model.encode(x)
    kl = kl_weight * categorical_kl_uniform(logits).sum(-1)  # exact, differentiable
    if estimator in ("gumbel-softmax", "straight-through"):
        z = gumbel_softmax(logits, tau, hard=estimator == "straight-through", generator=generator)
        return (model.reconstruction_loss(z, x) + kl).mean()
    if estimator == "reinforce":
        index = gumbel_max_sample(logits, generator=generator)
        z = nn.functional.one_hot(index, model.num_categories).float()
        reconstruction = model.reconstruction_loss(z, x)
        log_q = categorical_log_prob(logits, index).sum(-1)
        surrogate = score_function_surrogate(log_q, reconstruction, baseline(reconstruction))
        return (surrogate + kl).mean()
    raise ValueError(
        f"estimator must be one of {', '.join(map(repr, ESTIMATORS))}, got {estimator!r}"
    )


def train(
    estimator: str,
    train_x: Tensor,
    test_x: Tensor,
    *,
    epochs: int = 100,
    batch_size: int = 100,
    lr: float = 5e-3,
    tau: float = 0.5,
    tau_start: float | None = None,
    num_latents: int = 20,
    num_categories: int = 10,
    seed: int = 0,
    eval_samples: int = 10,
    kl_warmup: int = 10,
) -> dict[str, Any]:
    """Train a :class:`DiscreteVAE` with one estimator and Adam.

    The KL term's weight rises linearly to 1 over the first ``kl_warmup``
    epochs (a common remedy for latents the decoder learns to ignore).
    With ``tau_start`` the temperature falls geometrically from it at the
    first epoch to ``tau`` at the last; otherwise it is ``tau`` throughout.
    Returns a dict with ``model``, ``epochs`` (0 = before training), the
    per-epoch ``train_loss`` (mean training objective; NaN at epoch 0),
    ``test_nelbo`` (negative ELBO with discrete samples on ``test_x``) and
    ``seconds``.  The global torch RNG is left as it was.
    """
    if estimator not in ESTIMATORS:
        raise ValueError(
            f"estimator must be one of {', '.join(map(repr, ESTIMATORS))}, got {estimator!r}"
        )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = DiscreteVAE(train_x.shape[1], num_latents, num_categories)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed + 1)
    eval_generator = torch.Generator().manual_seed(seed + 2)
    baseline = RunningMeanBaseline(decay=0.9)
    history: dict[str, Any] = {
        "epochs": [0],
        "train_loss": [math.nan],
        "test_nelbo": [negative_elbo(model, test_x, eval_samples, eval_generator)],
    }
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        epoch_tau = (
            tau
            if tau_start is None
            else tau_start * (tau / tau_start) ** ((epoch - 1) / max(epochs - 1, 1))
        )
        order = torch.randperm(len(train_x), generator=generator)
        losses = []
        for i in range(0, len(train_x), batch_size):
            x = train_x[order[i : i + batch_size]]
            loss = training_loss(
                estimator,
                model,
                x,
                tau=epoch_tau,
                baseline=baseline,
                generator=generator,
                kl_weight=min(1.0, epoch / (kl_warmup + 1)),
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        history["epochs"].append(epoch)
        history["train_loss"].append(float(np.mean(losses)))
        history["test_nelbo"].append(negative_elbo(model, test_x, eval_samples, eval_generator))
    history["seconds"] = time.perf_counter() - start
    history["model"] = model
    return history


def encoder_gradient_variance(
    model: DiscreteVAE,
    x: Tensor,
    *,
    taus: tuple[float, ...] = (0.5, 1.0),
    num_repeats: int = 200,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Variance of each estimator's gradient w.r.t. the encoder's logits on one batch.

    The model is held fixed; each estimate is the gradient of the batch loss
    with respect to the logits of q(z|x).  Returns rows with ``estimator``,
    ``tau``, ``mean_norm`` (norm of the mean gradient) and ``variance``
    (summed over coordinates).
    """
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        logits0 = model.encode(x)
    plan = [("reinforce", None)] + [
        (name, t) for name in ("gumbel-softmax", "straight-through") for t in taus
    ]
    rows = []
    for estimator, tau in plan:
        grads = []
        baseline = RunningMeanBaseline(decay=0.9)
        for _ in range(num_repeats):
            logits = logits0.clone().requires_grad_(True)
            kl = categorical_kl_uniform(logits).sum(-1)
            if estimator == "reinforce":
                index = gumbel_max_sample(logits, generator=generator)
                z = nn.functional.one_hot(index, model.num_categories).float()
                with torch.no_grad():
                    f = model.reconstruction_loss(z, x)
                log_q = categorical_log_prob(logits, index).sum(-1)
                loss = (score_function_surrogate(log_q, f, baseline(f)) + kl).mean()
            else:
                z = gumbel_softmax(
                    logits, tau, hard=estimator == "straight-through", generator=generator
                )
                loss = (model.reconstruction_loss(z, x) + kl).mean()
            (grad,) = torch.autograd.grad(loss, logits)
            grads.append(grad.flatten())
        stacked = torch.stack(grads)
        rows.append(
            {
                "estimator": estimator,
                "tau": tau,
                "mean_norm": float(stacked.mean(0).norm()),
                "variance": float(stacked.var(0).sum()),
            }
        )
    return rows


def toy_objective(z: Tensor) -> Tensor:
    """f(z) = (z . [0, 1, 2, 3] - 1.3)^2 for one-hot or relaxed z of shape (..., 4)."""
    return (z @ torch.arange(4.0) - 1.3) ** 2


def plot_curves(
    histories: dict[str, dict[str, Any]], path: Path, reference: float | None = None
) -> Path:
    """Save the training curves (training objective, test negative ELBO) as a PNG.

    ``reference`` (optional) is drawn as a dashed line on the test panel: the
    negative log-likelihood of independent pixels, which a VAE that ignores
    its latent cannot beat.  Uses a bare Agg figure, not pyplot, so no global
    backend state changes.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    later = []
    for name, history in histories.items():
        left.plot(history["epochs"][1:], history["train_loss"][1:], label=name)
        right.plot(history["epochs"], history["test_nelbo"], label=name)
        later += history["test_nelbo"][1:]
    if reference is not None:
        right.axhline(reference, color="0.4", linestyle="--", label="independent pixels")
        later.append(reference)
    if later:  # the untrained model's 64 ln 2 would squash the rest
        low, high = min(later), max(later)
        right.set_ylim(low - 0.05 * (high - low) - 0.5, high + 0.05 * (high - low) + 0.5)
    left.set(xlabel="epoch", ylabel="nats per digit", title="training objective (batch mean)")
    right.set(xlabel="epoch", ylabel="nats per digit", title="test negative ELBO (discrete z)")
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    return path


def independent_pixels_nll(train_x: Tensor, test_x: Tensor) -> float:
    """Return the test negative log-likelihood (nats) of a per-pixel Bernoulli fit to train_x."""
    p = train_x.mean(0).clamp(1e-3, 1 - 1e-3)
    return float(-(test_x * p.log() + (1 - test_x) * (1 - p).log()).sum(1).mean())


def main(argv: list[str] | None = None) -> int:
    """Train with every estimator, print the tables, save the curves."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--tau", type=float, default=0.5, help="Gumbel-softmax temperature")
    parser.add_argument("--lr", type=float, default=5e-3, help="Adam's learning rate")
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[0], help="one run of every estimator per seed"
    )
    parser.add_argument(
        "--anneal-from",
        type=float,
        default=1.0,
        help="first temperature of the annealed Gumbel-softmax run (0: no run)",
    )
    parser.add_argument(
        "--iw-samples", type=int, default=100, help="samples of the importance-weighted bound"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=4000,
        help="gradient estimates per row of the toy table (1/20 for the VAE table)",
    )
    parser.add_argument("--estimators", nargs="+", choices=ESTIMATORS, default=list(ESTIMATORS))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to save the PNG")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be >= 1, got {args.epochs}")
    if not (math.isfinite(args.tau) and args.tau > 0):
        parser.error(f"--tau must be > 0, got {args.tau}")
    if not (math.isfinite(args.anneal_from) and args.anneal_from >= 0):
        parser.error(f"--anneal-from must be >= 0, got {args.anneal_from}")
    if args.iw_samples < 1:
        parser.error(f"--iw-samples must be >= 1, got {args.iw_samples}")
    if args.repeats < 40:
        parser.error(f"--repeats must be >= 40, got {args.repeats}")

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model: more threads only contend
    try:
        run(args)
    finally:
        torch.set_num_threads(threads)
    return 0


def runs_of(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Return the runs to make: a name for each, with its estimator and temperatures."""
    runs = {name: {"estimator": name, "tau": args.tau} for name in args.estimators}
    if args.anneal_from > 0 and "gumbel-softmax" in args.estimators:
        runs["gumbel-softmax annealed"] = {
            "estimator": "gumbel-softmax",
            "tau": args.tau,
            "tau_start": args.anneal_from,
        }
    return runs


def run(args: argparse.Namespace) -> None:
    """Run the body of :func:`main` on parsed arguments."""
    runs = runs_of(args)
    print(
        f"digits: 1437 train, 360 test (a split per seed), 64 binary pixels; "
        f"latent: 20 categoricals x 10 categories; {args.epochs} epochs; "
        f"annealed: tau {args.anneal_from:g} -> {args.tau:g}"
    )
    scores: dict[str, list[tuple[float, ...]]] = {name: [] for name in runs}
    first_histories: dict[str, dict[str, Any]] = {}
    first_data: tuple[Tensor, Tensor] | None = None
    pixels = []
    for seed in args.seeds:
        train_x, test_x = load_binarised_digits(seed=seed)
        pixels.append(independent_pixels_nll(train_x, test_x))
        if first_data is None:
            first_data = (train_x, test_x)
        print(f"\nseed {seed}: independent pixels {pixels[-1]:.2f} nats on test")
        print(f"{'run':<26}{'train ELBO':>11}{'test ELBO':>10}{'test IW':>9}{'seconds':>9}")
        for name, plan in runs.items():
            history = train(
                plan["estimator"],
                train_x,
                test_x,
                epochs=args.epochs,
                tau=plan["tau"],
                tau_start=plan.get("tau_start"),
                lr=args.lr,
                seed=seed,
            )
            model = history["model"]
            train_nelbo = negative_elbo(model, train_x, 10, torch.Generator().manual_seed(seed + 3))
            bound = importance_weighted_nll(
                model, test_x, args.iw_samples, torch.Generator().manual_seed(seed + 4)
            )
            scores[name].append((train_nelbo, history["test_nelbo"][-1], bound))
            print(
                f"{name:<26}{train_nelbo:>11.2f}{history['test_nelbo'][-1]:>10.2f}"
                f"{bound:>9.2f}{history['seconds']:>9.1f}",
                flush=True,
            )
            if seed == args.seeds[0]:
                first_histories[name] = history

    print(
        f"\nover seeds {', '.join(map(str, args.seeds))} (nats per digit on test, mean ± std): "
        f"negative ELBO with discrete z (10 samples) and negative importance-weighted bound "
        f"({args.iw_samples} samples); independent pixels {np.mean(pixels):.2f} ± "
        f"{np.std(pixels):.2f}"
    )
    print(f"{'run':<26}{'ELBO':>16}{'IW bound':>16}{'seeds beating pixels (IW)':>28}")
    for name, rows in scores.items():
        values = np.array(rows)
        beating = int(np.sum(values[:, 2] < np.array(pixels)))
        print(
            f"{name:<26}{values[:, 1].mean():>9.2f} ± {values[:, 1].std():<4.2f}"
            f"{values[:, 2].mean():>9.2f} ± {values[:, 2].std():<4.2f}"
            f"{beating:>16} of {len(rows)}"
        )
    histories = first_histories
    train_x, test_x = first_data
    seed = args.seeds[0]

    print("\ngradient of E[(z.[0,1,2,3] - 1.3)^2], z ~ Cat(softmax([0.5, -0.3, 1.2, 0])):")
    print("bias against the exact gradient (enumeration) and variance, 2 samples per estimate")
    rows = compare_estimators(
        torch.tensor([0.5, -0.3, 1.2, 0.0]),
        toy_objective,
        taus=(0.1, 0.5, 1.0, 2.0),
        num_samples=2,
        num_repeats=args.repeats,
        generator=torch.Generator().manual_seed(seed),
    )
    print(format_table(rows))

    reference = next(iter(histories))
    repeats = args.repeats // 20
    print(
        f"\ngradient w.r.t. the encoder's logits on one batch of 100 test digits, for the "
        f"model trained with {reference}; {repeats} repeats"
    )
    print(f"{'estimator':<20}{'tau':>5}{'|mean|':>10}{'variance':>12}")
    for row in encoder_gradient_variance(
        histories[reference]["model"],
        test_x[:100],
        taus=tuple(sorted({args.tau, 1.0})),
        num_repeats=repeats,
        seed=seed,
    ):
        tau = "-" if row["tau"] is None else f"{row['tau']:g}"
        print(f"{row['estimator']:<20}{tau:>5}{row['mean_norm']:>10.4f}{row['variance']:>12.4f}")

    path = plot_curves(histories, args.out, reference=independent_pixels_nll(train_x, test_x))
    print(f"\nsaved {path}")


if __name__ == "__main__":
    raise SystemExit(main())
