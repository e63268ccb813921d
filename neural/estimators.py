r"""Bias and variance of gradient estimators for a categorical :math:`p_\theta`.

For :math:`L(\theta) = E_{z \sim p_\theta}[f(z)]` with
:math:`p_\theta = \mathrm{softmax}(\theta)` (one or a few independent
categoricals), :func:`exact_gradient` finds :math:`\nabla L` by enumerating
every configuration, and :func:`gradient_statistics` draws many independent
estimates of it with one of the estimators of :mod:`neural.reparam` and
returns their mean and variance.  :func:`compare_estimators` puts the
estimators side by side (bias against the exact gradient, variance) and
:func:`format_table` prints the result.

The function ``f`` receives one-hot samples (or relaxed ones, points in the
simplex, for the Gumbel-softmax estimators) with the trailing shape of the
logits, and returns one value per leading index: for logits of shape
``(D, K)`` it maps ``(..., D, K)`` to ``(...)``.  It must be differentiable
for the relaxed estimators.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import Tensor

from .reparam import (
    RunningMeanBaseline,
    _check_generator,
    _check_logits,
    _check_tau,
    categorical_log_prob,
    gumbel_max_sample,
    gumbel_softmax,
    leave_one_out_baseline,
    score_function_surrogate,
)

__all__ = [
    "ESTIMATORS",
    "MAX_CONFIGURATIONS",
    "compare_estimators",
    "exact_expectation",
    "exact_gradient",
    "format_table",
    "gradient_statistics",
]

#: The estimator names :func:`gradient_statistics` accepts.
ESTIMATORS = (
    "reinforce",
    "reinforce+running-mean",
    "reinforce+leave-one-out",
    "gumbel-softmax",
    "straight-through",
)

#: The most configurations :func:`exact_expectation` enumerates.
MAX_CONFIGURATIONS = 1 << 16

Objective = Callable[[Tensor], Tensor]


def _check_count(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def _check_f(f: Any) -> Objective:
    if not callable(f):
        raise TypeError(f"f must be callable, got {f!r}")
    return f


def _call_f(f: Objective, z: Tensor, batch_shape: tuple[int, ...]) -> Tensor:
    values = f(z)
    if not isinstance(values, Tensor) or not torch.is_floating_point(values):
        raise TypeError(
            f"f must return a floating-point tensor, got {type(values).__name__}"
            + (f" of dtype {values.dtype}" if isinstance(values, Tensor) else "")
        )
    if tuple(values.shape) != batch_shape:
        raise ValueError(
            f"f must map samples of shape {tuple(z.shape)} to one value per leading index, "
            f"shape {batch_shape}, got {tuple(values.shape)}"
        )
    return values


def _check_categorical_logits(logits: Any) -> Tensor:
    _check_logits(logits, -1)
    if logits.numel() == 0:
        raise ValueError(f"logits must not be empty, got shape {tuple(logits.shape)}")
    # Statistics are computed in float32 at least.
    work = torch.float64 if logits.dtype == torch.float64 else torch.float32
    return logits.detach().to(work)


def exact_expectation(logits: Tensor, f: Objective) -> Tensor:
    r""":math:`L(\theta) = \sum_z p_\theta(z) f(z)` by enumerating every configuration.

    The logits hold :math:`D` independent categoricals over :math:`K`
    categories (shape ``(K,)``, ``(D, K)`` or any ``(..., K)``); the sum runs
    over the :math:`\prod_d K_d` configurations of the unmasked categories,
    at most :data:`MAX_CONFIGURATIONS`.  The result is differentiable in
    ``logits``.

    Parameters
    ----------
    logits : Tensor
        Unnormalised log-probabilities, finite or ``-inf`` (masked).
    f : callable
        Maps one-hot samples of shape ``(C, *logits.shape)`` to values of
        shape ``(C,)``.

    Returns
    -------
    Tensor
        The 0-d expectation, in float32 (float64 for float64 logits).

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor, or ``f`` is not callable
        or returns no floating-point tensor.
    ValueError
        If ``logits`` is invalid (NaN, ``+inf``, a fully masked
        distribution), there are too many configurations, or ``f`` returns
        the wrong shape.

    Examples
    --------
    >>> import torch
    >>> from neural.estimators import exact_expectation
    >>> exact_expectation(torch.zeros(4), lambda z: z @ torch.arange(4.0))
    tensor(1.5000)
    """
    _check_categorical_logits(logits)
    _check_f(f)
    work = torch.float64 if logits.dtype == torch.float64 else torch.float32
    theta = logits.to(work)
    shape = tuple(theta.shape)
    num_categories = shape[-1]
    flat = theta.reshape(-1, num_categories)
    allowed = [torch.isfinite(row.detach()).nonzero().flatten().tolist() for row in flat]
    count = math.prod(len(a) for a in allowed)
    if count > MAX_CONFIGURATIONS:
        raise ValueError(
            f"logits of shape {shape} have {count} configurations to enumerate; at most "
            f"{MAX_CONFIGURATIONS} are supported (use gradient_statistics to estimate instead)"
        )
    configs = torch.tensor(list(itertools.product(*allowed)), dtype=torch.long, device=theta.device)
    configs = configs.reshape(count, len(allowed))  # (C, D)
    log_p = torch.log_softmax(flat - flat.detach().amax(-1, keepdim=True), dim=-1)  # (D, K)
    log_p_config = log_p.gather(1, configs.T).sum(0)  # (C,)
    z = torch.zeros(count, *flat.shape, dtype=work, device=theta.device)
    z.scatter_(2, configs.unsqueeze(2), 1.0)
    values = _call_f(f, z.reshape(count, *shape), (count,))
    return (log_p_config.exp() * values.to(work)).sum()


def exact_gradient(logits: Tensor, f: Objective) -> Tensor:
    r"""Compute the exact gradient :math:`\nabla_\theta E_{z \sim p_\theta}[f(z)]` by enumeration.

    See :func:`exact_expectation` for the rules on ``logits`` and ``f``.

    Parameters
    ----------
    logits : Tensor
        Unnormalised log-probabilities, finite or ``-inf`` (masked).
    f : callable
        Maps one-hot samples of shape ``(C, *logits.shape)`` to ``(C,)``.

    Returns
    -------
    Tensor
        The gradient, the shape of ``logits``, in float32 (float64 for
        float64 logits); masked entries get 0.

    Raises
    ------
    TypeError
        As :func:`exact_expectation`.
    ValueError
        As :func:`exact_expectation`.

    Examples
    --------
    >>> import torch
    >>> from neural.estimators import exact_gradient
    >>> exact_gradient(torch.zeros(2), lambda z: z[..., 1])  # d/dθ softmax(θ)[1]
    tensor([-0.2500,  0.2500])
    """
    theta = _check_categorical_logits(logits).requires_grad_(True)
    with torch.enable_grad():
        value = exact_expectation(theta, f)
        (grad,) = torch.autograd.grad(value, theta)
    return grad


def gradient_statistics(
    logits: Tensor,
    f: Objective,
    estimator: str,
    *,
    tau: float = 1.0,
    num_samples: int = 1,
    num_repeats: int = 1000,
    decay: float = 0.9,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    r"""Mean and variance of an estimator of :math:`\nabla_\theta E_{z \sim p_\theta}[f(z)]`.

    Draws ``num_repeats`` independent gradient estimates, each the average
    over ``num_samples`` samples, and returns their per-coordinate mean and
    (unbiased) variance.  Compare the mean with :func:`exact_gradient` for
    the bias; ``variance / num_repeats`` is the squared standard error of
    the mean.  The repeats run as one batch through autograd, so a few
    thousand are cheap.

    Estimators (:data:`ESTIMATORS`):

    ``"reinforce"``
        :math:`f(z)\nabla\log p_\theta(z)`, no baseline.
    ``"reinforce+running-mean"``
        baseline: a :class:`~neural.reparam.RunningMeanBaseline` of the
        earlier repeats (0 for the first).
    ``"reinforce+leave-one-out"``
        baseline: the mean of the other samples of the same repeat; needs
        ``num_samples >= 2``.
    ``"gumbel-softmax"``
        pathwise through the soft relaxation at temperature ``tau`` (biased).
    ``"straight-through"``
        one-hot forward, soft gradient at ``tau`` backward (biased).

    Parameters
    ----------
    logits : Tensor
        Unnormalised log-probabilities :math:`\theta` of shape ``(..., K)``,
        finite or ``-inf`` (masked).
    f : callable
        Maps samples of shape ``(R, S, *logits.shape)`` to values of shape
        ``(R, S)``; differentiable for the relaxed estimators.
    estimator : str
        One of :data:`ESTIMATORS`.
    tau : float, default 1.0
        Temperature of the Gumbel-softmax estimators, > 0.
    num_samples : int, default 1
        Samples averaged in one gradient estimate (``S``).
    num_repeats : int, default 1000
        Independent estimates (``R``), at least 2.
    decay : float, default 0.9
        Decay of the running-mean baseline.
    generator : torch.Generator, optional
        Source of randomness, for reproducible statistics.

    Returns
    -------
    mean : Tensor
        The mean estimate, the shape of ``logits``.
    variance : Tensor
        The variance of one estimate per coordinate, the shape of ``logits``.

    Raises
    ------
    TypeError
        If an argument has the wrong type, or ``f`` returns no floating-point
        tensor.
    ValueError
        If ``estimator`` is unknown, ``tau <= 0``, ``num_samples < 1`` (``< 2``
        for leave-one-out), ``num_repeats < 2``, ``logits`` is invalid, or
        ``f`` returns the wrong shape.

    Examples
    --------
    >>> import torch
    >>> from neural.estimators import gradient_statistics
    >>> f = lambda z: z @ torch.tensor([0.0, 1.0, 4.0])
    >>> mean, variance = gradient_statistics(
    ...     torch.zeros(3), f, "reinforce+leave-one-out", num_samples=4, num_repeats=500,
    ...     generator=torch.Generator().manual_seed(0))
    >>> mean.shape, bool((variance > 0).all())
    (torch.Size([3]), True)
    """
    theta0 = _check_categorical_logits(logits)
    _check_f(f)
    if estimator not in ESTIMATORS:
        raise ValueError(
            f"estimator must be one of {', '.join(map(repr, ESTIMATORS))}, got {estimator!r}"
        )
    tau = _check_tau(tau)
    num_samples = _check_count("num_samples", num_samples, 1)
    num_repeats = _check_count("num_repeats", num_repeats, 2)
    if estimator == "reinforce+leave-one-out" and num_samples < 2:
        raise ValueError(
            f"num_samples must be >= 2 for the leave-one-out baseline, got {num_samples}"
        )
    baseline_tracker = RunningMeanBaseline(decay)  # checks decay
    _check_generator(generator)

    shape = tuple(theta0.shape)
    batch = (num_repeats, num_samples)
    # One copy of the logits per repeat: the gradient of the sum of the
    # repeats' objectives with respect to copy r is repeat r's estimate.
    theta = theta0.expand(num_repeats, *shape).clone().requires_grad_(True)
    with torch.enable_grad():
        expanded = theta.unsqueeze(1).expand(*batch, *shape)
        if estimator.startswith("reinforce"):
            index = gumbel_max_sample(expanded.detach(), generator=generator)
            z = torch.zeros(*batch, *shape, dtype=theta.dtype)
            z.scatter_(-1, index.unsqueeze(-1), 1.0)
            values = _call_f(f, z, batch).to(theta.dtype).detach()
            log_prob = categorical_log_prob(expanded, index).reshape(*batch, -1).sum(-1)
            if estimator == "reinforce":
                baseline: Tensor | None = None
            elif estimator == "reinforce+leave-one-out":
                baseline = leave_one_out_baseline(values, dim=1)
            else:
                baseline = torch.stack([baseline_tracker(row) for row in values]).unsqueeze(1)
            surrogate = score_function_surrogate(log_prob, values, baseline)
        else:
            y = gumbel_softmax(
                expanded, tau, hard=estimator == "straight-through", generator=generator
            )
            surrogate = _call_f(f, y, batch)
        (grads,) = torch.autograd.grad(surrogate.mean(dim=1).sum(), theta)
    return grads.mean(dim=0), grads.var(dim=0)


def compare_estimators(
    logits: Tensor,
    f: Objective,
    *,
    taus: Sequence[float] = (0.1, 0.5, 1.0),
    num_samples: int = 2,
    num_repeats: int = 2000,
    decay: float = 0.9,
    generator: torch.Generator | None = None,
) -> list[dict[str, Any]]:
    r"""Bias and variance of every estimator, side by side, against the exact gradient.

    One row per estimator: the three REINFORCE variants, then soft
    Gumbel-softmax and straight-through at each temperature in ``taus``.

    Parameters
    ----------
    logits : Tensor
        Unnormalised log-probabilities of shape ``(..., K)``, small enough to
        enumerate (see :func:`exact_expectation`).
    f : callable
        The objective, as for :func:`gradient_statistics`.
    taus : sequence of float, default (0.1, 0.5, 1.0)
        Temperatures of the relaxed estimators, each > 0.
    num_samples : int, default 2
        Samples per gradient estimate, >= 2 (leave-one-out needs 2).
    num_repeats : int, default 2000
        Independent estimates per estimator.
    decay : float, default 0.9
        Decay of the running-mean baseline.
    generator : torch.Generator, optional
        Source of randomness, for a reproducible table.

    Returns
    -------
    list of dict
        One dict per row with keys ``estimator`` (str), ``tau`` (float or
        None), ``bias`` (the Euclidean norm of mean estimate minus exact
        gradient), ``std_error`` (the Monte Carlo noise in that mean,
        :math:`\sqrt{\sum_i \mathrm{Var}_i / R}`: a bias well above it is
        real), ``variance`` (the variance of one estimate, summed over
        coordinates) and ``mse`` (``bias**2 + variance``).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``taus`` is empty or holds a value <= 0, ``num_samples < 2``, or
        as :func:`gradient_statistics`.

    Examples
    --------
    >>> import torch
    >>> from neural.estimators import compare_estimators
    >>> rows = compare_estimators(torch.zeros(3), lambda z: (z @ torch.arange(3.0)) ** 2,
    ...                           taus=(0.5,), num_repeats=200,
    ...                           generator=torch.Generator().manual_seed(0))
    >>> [(row["estimator"], row["tau"]) for row in rows]  # doctest: +NORMALIZE_WHITESPACE
    [('reinforce', None), ('reinforce+running-mean', None), ('reinforce+leave-one-out', None),
     ('gumbel-softmax', 0.5), ('straight-through', 0.5)]
    """
    if isinstance(taus, (str, bytes)) or not isinstance(taus, Sequence) or len(taus) == 0:
        raise ValueError(f"taus must be a non-empty sequence of numbers > 0, got {taus!r}")
    taus = [_check_tau(t) for t in taus]
    num_samples = _check_count("num_samples", num_samples, 2)
    exact = exact_gradient(logits, f)
    plan: list[tuple[str, float | None]] = [
        ("reinforce", None),
        ("reinforce+running-mean", None),
        ("reinforce+leave-one-out", None),
    ]
    plan += [("gumbel-softmax", t) for t in taus] + [("straight-through", t) for t in taus]
    rows = []
    for estimator, tau in plan:
        mean, variance = gradient_statistics(
            logits,
            f,
            estimator,
            tau=1.0 if tau is None else tau,
            num_samples=num_samples,
            num_repeats=num_repeats,
            decay=decay,
            generator=generator,
        )
        bias = float((mean - exact).norm())
        total = float(variance.sum())
        rows.append(
            {
                "estimator": estimator,
                "tau": tau,
                "bias": bias,
                "std_error": math.sqrt(total / num_repeats),
                "variance": total,
                "mse": bias**2 + total,
            }
        )
    return rows


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """Format the rows of :func:`compare_estimators` as a fixed-width text table.

    Parameters
    ----------
    rows : sequence of dict
        Rows with the keys ``estimator``, ``tau``, ``bias``, ``std_error``,
        ``variance`` and ``mse``.

    Returns
    -------
    str
        A header, a rule and one line per row.

    Raises
    ------
    ValueError
        If a row lacks one of the keys.

    Examples
    --------
    >>> from neural.estimators import format_table
    >>> print(format_table([{"estimator": "reinforce", "tau": None, "bias": 0.01,
    ...                      "std_error": 0.02, "variance": 0.5, "mse": 0.5001}]))
    estimator                 tau       bias  std_error   variance        mse
    -------------------------------------------------------------------------
    reinforce                   -     0.0100     0.0200     0.5000     0.5001
    """
    keys = ("estimator", "tau", "bias", "std_error", "variance", "mse")
    header = f"{'estimator':<24}{'tau':>5}{'bias':>11}{'std_error':>11}{'variance':>11}{'mse':>11}"
    lines = [header, "-" * len(header)]
    for i, row in enumerate(rows):
        missing = [k for k in keys if k not in row]
        if missing:
            raise ValueError(f"rows[{i}] lacks the key(s) {', '.join(missing)}")
        tau = "-" if row["tau"] is None else f"{row['tau']:g}"
        lines.append(
            f"{row['estimator']:<24}{tau:>5}{row['bias']:>11.4f}{row['std_error']:>11.4f}"
            f"{row['variance']:>11.4f}{row['mse']:>11.4f}"
        )
    return "\n".join(lines)
