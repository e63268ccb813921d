r"""Gradient estimators for objectives of the form :math:`L(\theta) = E_{z \sim p_\theta}[f(z)]`.

Three families, each written out here rather than borrowed from
``torch.nn.functional``:

* **pathwise (reparameterization)** for a Gaussian:
  :math:`z = \mu + \sigma \epsilon`, :math:`\epsilon \sim N(0, I)`
  (:func:`gaussian_rsample`), with its KL to :math:`N(0, I)`
  (:func:`gaussian_kl_standard_normal`);
* **Gumbel** for a categorical: exact sampling by Gumbel-max
  (:func:`gumbel_max_sample`) and the Gumbel-softmax / Concrete relaxation
  with temperature :math:`\tau` (:func:`gumbel_softmax`), soft or
  straight-through (one-hot forward, soft gradient backward);
* **score function (REINFORCE)**: :func:`score_function_surrogate`, whose
  gradient is :math:`(f(z) - b)\nabla_\theta \log p_\theta(z) + \nabla f(z)`,
  with a running-mean (:class:`RunningMeanBaseline`) or a leave-one-out
  (:func:`leave_one_out_baseline`) baseline :math:`b`.

Numerical safety: Gumbel noise is drawn from uniforms in ``(tiny, 1)`` and
computed in float32 (float64 for float64 logits) whatever the dtype of the
logits, and the result is cast back; masked logits (``-inf``) get exactly
zero probability and a zero, never NaN, gradient; a row with every entry
masked is an error.  Every sampler takes an optional ``torch.Generator``.

:mod:`neural.estimators` measures the bias and variance of these estimators
against the exact gradient found by enumeration.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor

__all__ = [
    "RunningMeanBaseline",
    "categorical_kl_uniform",
    "categorical_log_prob",
    "gaussian_kl_standard_normal",
    "gaussian_rsample",
    "gumbel_max_sample",
    "gumbel_softmax",
    "leave_one_out_baseline",
    "safe_log_softmax",
    "safe_softmax",
    "sample_gumbel",
    "score_function_surrogate",
]


# ----------------------------------------------------------------------------
# Argument checks: every message names the argument, what is allowed and what
# was received.
# ----------------------------------------------------------------------------


def _check_tensor(name: str, value: Any) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    return value


def _check_float_tensor(name: str, value: Any) -> Tensor:
    _check_tensor(name, value)
    if not torch.is_floating_point(value):
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    return value


def _check_dim(name: str, tensor: Tensor, dim: Any) -> int:
    """Return ``dim`` as a non-negative axis of ``tensor``."""
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"dim must be an integer, got {dim!r}")
    if tensor.dim() == 0:
        raise ValueError(f"{name} must have at least one dimension, got a 0-d tensor")
    if not -tensor.dim() <= dim < tensor.dim():
        raise ValueError(
            f"dim must be in [{-tensor.dim()}, {tensor.dim() - 1}] for {name} of shape "
            f"{tuple(tensor.shape)}, got {dim}"
        )
    return int(dim) % tensor.dim()


def _check_logits(logits: Any, dim: Any = -1, name: str = "logits") -> int:
    """Check that ``logits`` are usable categorical logits along ``dim``; return the axis.

    Allowed: finite values and ``-inf`` (a masked category), at least one
    category per distribution and at least one unmasked entry in each.
    """
    _check_float_tensor(name, logits)
    axis = _check_dim(name, logits, dim)
    if logits.shape[axis] == 0:
        raise ValueError(f"{name} must have at least one category along dim {dim}, got 0")
    if logits.numel() == 0:
        return axis
    with torch.no_grad():
        if torch.isnan(logits).any():
            raise ValueError(f"{name} must not contain NaN")
        if torch.isposinf(logits).any():
            raise ValueError(f"{name} must not contain +inf (use -inf to mask a category)")
        masked = torch.isneginf(logits).all(dim=axis)
        if masked.any():
            where = ""
            if masked.dim():
                where = f" (first at index {tuple(masked.nonzero()[0].tolist())})"
            raise ValueError(
                f"{name} has a distribution whose every category is masked (-inf) along "
                f"dim {dim}{where}; leave at least one category finite"
            )
    return axis


def _check_tau(tau: Any) -> float:
    if isinstance(tau, Tensor):
        if tau.numel() != 1:
            raise ValueError(f"tau must be a number, got a tensor of shape {tuple(tau.shape)}")
        tau = tau.item()
    if isinstance(tau, bool) or not isinstance(tau, numbers.Real):
        raise TypeError(f"tau must be a number > 0, got {tau!r}")
    tau = float(tau)
    if not (math.isfinite(tau) and tau > 0.0):
        raise ValueError(f"tau must be > 0, got {tau!r}")
    return tau


def _check_generator(generator: Any) -> torch.Generator | None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {generator!r}")
    return generator


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return value


def _work_dtype(dtype: torch.dtype) -> torch.dtype:
    """float64 stays float64; every narrower float is computed in float32."""
    return torch.float64 if dtype == torch.float64 else torch.float32


# ----------------------------------------------------------------------------
# Gaussian: reparameterization and KL to N(0, I)
# ----------------------------------------------------------------------------


def gaussian_rsample(
    mean: Tensor, std: Tensor, *, generator: torch.Generator | None = None
) -> Tensor:
    r"""Draw :math:`z = \mu + \sigma \epsilon` with :math:`\epsilon \sim N(0, I)`.

    The sample is a differentiable function of ``mean`` and ``std`` (the
    pathwise or reparameterization estimator): for any differentiable
    :math:`f`, :math:`\nabla_\mu f(z) = f'(z)` and
    :math:`\nabla_\sigma f(z) = f'(z)\,\epsilon`, whose expectations are the
    gradients of :math:`E[f(z)]`.

    Parameters
    ----------
    mean : Tensor
        The means :math:`\mu`, a floating-point tensor of any shape.
    std : Tensor
        The standard deviations :math:`\sigma > 0`, the same shape and dtype
        as ``mean``.
    generator : torch.Generator, optional
        Source of the noise :math:`\epsilon`, for reproducible draws.

    Returns
    -------
    Tensor
        One draw, the shape and dtype of ``mean``.

    Raises
    ------
    TypeError
        If ``mean`` or ``std`` is not a floating-point tensor, or
        ``generator`` is not a ``torch.Generator``.
    ValueError
        If ``std`` differs from ``mean`` in shape or dtype, or has an entry
        that is not a finite number > 0.

    Examples
    --------
    >>> import torch
    >>> from neural.reparam import gaussian_rsample
    >>> mean = torch.zeros(3, requires_grad=True)
    >>> std = torch.ones(3, requires_grad=True)
    >>> z = gaussian_rsample(mean, std, generator=torch.Generator().manual_seed(0))
    >>> (z ** 2).sum().backward()
    >>> torch.allclose(mean.grad, 2 * z.detach())
    True
    """
    _check_float_tensor("mean", mean)
    _check_float_tensor("std", std)
    _check_generator(generator)
    if std.shape != mean.shape:
        raise ValueError(
            f"std must have the shape of mean {tuple(mean.shape)}, got {tuple(std.shape)}"
        )
    if std.dtype != mean.dtype:
        raise ValueError(f"std must have the dtype of mean ({mean.dtype}), got {std.dtype}")
    with torch.no_grad():
        if not (torch.isfinite(std).all() and (std > 0).all()):
            raise ValueError("std must be finite and > 0 everywhere, got an entry that is not")
    eps = torch.randn(
        mean.shape, generator=generator, device=mean.device, dtype=_work_dtype(mean.dtype)
    ).to(mean.dtype)
    return mean + std * eps


def gaussian_kl_standard_normal(mean: Tensor, std: Tensor, *, dim: int | None = -1) -> Tensor:
    r"""KL divergence from :math:`N(\mu, \mathrm{diag}\,\sigma^2)` to :math:`N(0, I)`.

    .. math::

        \mathrm{KL} = \tfrac12 \sum_i \left(\mu_i^2 + \sigma_i^2 - 1 - 2\log\sigma_i\right)

    Parameters
    ----------
    mean : Tensor
        The means :math:`\mu`, a floating-point tensor.
    std : Tensor
        The standard deviations :math:`\sigma > 0`, the shape of ``mean``.
    dim : int or None, default -1
        The axis of the latent coordinates, summed over.  ``None`` returns
        the KL of each coordinate (the terms of the sum).

    Returns
    -------
    Tensor
        The KL, with ``dim`` summed out.

    Raises
    ------
    TypeError
        If ``mean`` or ``std`` is not a floating-point tensor.
    ValueError
        If the shapes differ, ``std`` has an entry that is not finite and
        > 0, or ``dim`` is out of range.

    Examples
    --------
    >>> import torch
    >>> from neural.reparam import gaussian_kl_standard_normal
    >>> gaussian_kl_standard_normal(torch.zeros(2, 3), torch.ones(2, 3))
    tensor([0., 0.])
    >>> gaussian_kl_standard_normal(torch.tensor([1.0]), torch.tensor([1.0]))
    tensor(0.5000)
    """
    _check_float_tensor("mean", mean)
    _check_float_tensor("std", std)
    if std.shape != mean.shape:
        raise ValueError(
            f"std must have the shape of mean {tuple(mean.shape)}, got {tuple(std.shape)}"
        )
    with torch.no_grad():
        if not (torch.isfinite(std).all() and (std > 0).all()):
            raise ValueError("std must be finite and > 0 everywhere, got an entry that is not")
    terms = 0.5 * (mean.square() + std.square() - 1.0) - torch.log(std)
    if dim is None:
        return terms
    _check_dim("mean", mean, dim)
    return terms.sum(dim=dim)


# ----------------------------------------------------------------------------
# Categorical: safe softmax, Gumbel-max, Gumbel-softmax
# ----------------------------------------------------------------------------


def sample_gumbel(
    shape: Sequence[int] | torch.Size,
    *,
    generator: torch.Generator | None = None,
    device: torch.device | str | None = None,
    dtype: torch.dtype = torch.float32,
) -> Tensor:
    r"""Draw standard Gumbel noise :math:`g = -\log(-\log u)`, :math:`u \sim U(0, 1)`.

    The uniforms are clamped to ``[tiny, 1 - eps/2]`` of their dtype, so
    ``g`` is always finite (about ``[-4.5, 16.6]`` in float32).  Narrow
    dtypes (float16, bfloat16) are computed in float32 and then cast.

    Parameters
    ----------
    shape : sequence of int
        The shape of the noise.
    generator : torch.Generator, optional
        Source of the uniforms, for reproducible draws.
    device : torch.device or str, optional
        Where to put the noise (default: the generator's device, else CPU).
    dtype : torch.dtype, default torch.float32
        A floating-point dtype for the result.

    Returns
    -------
    Tensor
        Gumbel noise of the given shape and dtype, every entry finite.

    Raises
    ------
    TypeError
        If ``shape`` is not a sequence of non-negative integers, ``dtype`` is
        not a floating-point dtype, or ``generator`` is not a
        ``torch.Generator``.

    Examples
    --------
    >>> import torch
    >>> from neural.reparam import sample_gumbel
    >>> g = sample_gumbel((2, 5), generator=torch.Generator().manual_seed(0))
    >>> g.shape, bool(torch.isfinite(g).all())
    (torch.Size([2, 5]), True)
    """
    _check_generator(generator)
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (int(shape),)
    if not isinstance(shape, (Sequence, torch.Size)) or not all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 0 for s in shape
    ):
        raise TypeError(f"shape must be a sequence of non-negative integers, got {shape!r}")
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating-point torch.dtype, got {dtype!r}")
    if device is None and generator is not None:
        device = generator.device
    work = _work_dtype(dtype)
    info = torch.finfo(work)
    u = torch.rand(tuple(int(s) for s in shape), generator=generator, device=device, dtype=work)
    u = u.clamp_(min=info.tiny, max=1.0 - info.eps / 2)
    return (-torch.log(-torch.log(u))).to(dtype)


def safe_softmax(logits: Tensor, dim: int = -1) -> Tensor:
    r"""Softmax that accepts masked (``-inf``) logits and narrow dtypes.

    Computed in float32 (float64 for float64 input) after subtracting the
    largest unmasked logit, then cast back to the dtype of ``logits``.  A
    masked entry gets probability exactly 0 and gradient exactly 0.

    Parameters
    ----------
    logits : Tensor
        Unnormalised log-probabilities, finite or ``-inf``.
    dim : int, default -1
        The axis of the categories.

    Returns
    -------
    Tensor
        Probabilities summing to 1 along ``dim``, the dtype of ``logits``.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor.
    ValueError
        If ``logits`` contains NaN or ``+inf``, has a distribution with every
        category masked, or ``dim`` is out of range.

    Examples
    --------
    >>> import torch
    >>> from neural.reparam import safe_softmax
    >>> safe_softmax(torch.tensor([0.0, float("-inf"), 0.0]))
    tensor([0.5000, 0.0000, 0.5000])
    """
    axis = _check_logits(logits, dim)
    return _softmax(logits, axis).to(logits.dtype)


def safe_log_softmax(logits: Tensor, dim: int = -1) -> Tensor:
    r"""Log-softmax that accepts masked (``-inf``) logits and narrow dtypes.

    Same rules as :func:`safe_softmax`; a masked entry gets ``-inf``.

    Parameters
    ----------
    logits : Tensor
        Unnormalised log-probabilities, finite or ``-inf``.
    dim : int, default -1
        The axis of the categories.

    Returns
    -------
    Tensor
        Log-probabilities along ``dim``, the dtype of ``logits``.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor.
    ValueError
        If ``logits`` contains NaN or ``+inf``, has a distribution with every
        category masked, or ``dim`` is out of range.

    Examples
    --------
    >>> import torch
    >>> from neural.reparam import safe_log_softmax
    >>> safe_log_softmax(torch.tensor([0.0, 0.0])).exp()
    tensor([0.5000, 0.5000])
    """
    axis = _check_logits(logits, dim)
    return _log_softmax(logits, axis).to(logits.dtype)


def _shifted(logits: Tensor, axis: int) -> Tensor:
    """``logits`` in the working dtype minus the (detached) largest logit along ``axis``."""
    x = logits.to(_work_dtype(logits.dtype))
    return x - x.detach().amax(dim=axis, keepdim=True)


def _softmax(logits: Tensor, axis: int) -> Tensor:
    # The shift is by a finite number (some entry of each row is finite), so
    # -inf stays -inf, exp gives exactly 0, and softmax's backward multiplies
    # by that 0: no NaN.
    return torch.softmax(_shifted(logits, axis), dim=axis)


def _log_softmax(logits: Tensor, axis: int) -> Tensor:
    return torch.log_softmax(_shifted(logits, axis), dim=axis)


def gumbel_max_sample(
    logits: Tensor, *, dim: int = -1, generator: torch.Generator | None = None
) -> Tensor:
    r"""Draw exact categorical samples by the Gumbel-max trick.

    :math:`\arg\max_k (\theta_k + g_k)` with independent standard Gumbel
    :math:`g_k` has the distribution :math:`\mathrm{softmax}(\theta)`.  A
    masked category (``-inf``) is never drawn.

    Parameters
    ----------
    logits : Tensor
        Unnormalised log-probabilities :math:`\theta`, finite or ``-inf``;
        any leading shape (one independent categorical per position).
    dim : int, default -1
        The axis of the categories.
    generator : torch.Generator, optional
        Source of the noise, for reproducible draws.

    Returns
    -------
    Tensor
        ``int64`` indices, the shape of ``logits`` without ``dim``.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor or ``generator`` is not a
        ``torch.Generator``.
    ValueError
        If ``logits`` contains NaN or ``+inf``, has a distribution with every
        category masked, or ``dim`` is out of range.

    Examples
    --------
    >>> import torch
    >>> from neural.reparam import gumbel_max_sample
    >>> logits = torch.tensor([[0.0, float("-inf"), float("-inf")], [float("-inf"), 0.0, 1.0]])
    >>> index = gumbel_max_sample(logits, generator=torch.Generator().manual_seed(0))
    >>> index.shape, int(index[0]), int(index[1]) in (1, 2)
    (torch.Size([2]), 0, True)
    """
    axis = _check_logits(logits, dim)
    _check_generator(generator)
    return _gumbel_scores(logits.detach(), generator).argmax(dim=axis)


def _gumbel_scores(logits: Tensor, generator: torch.Generator | None) -> Tensor:
    """``logits + g`` in the working dtype (float32 for half precisions)."""
    work = _work_dtype(logits.dtype)
    noise = sample_gumbel(logits.shape, generator=generator, device=logits.device, dtype=work)
    return logits.to(work) + noise


def _one_hot_like(scores: Tensor, index: Tensor, axis: int, dtype: torch.dtype) -> Tensor:
    hard = torch.zeros(scores.shape, dtype=dtype, device=scores.device)
    return hard.scatter_(axis, index.unsqueeze(axis), 1.0)


def gumbel_softmax(
    logits: Tensor,
    tau: float = 1.0,
    *,
    hard: bool = False,
    dim: int = -1,
    generator: torch.Generator | None = None,
) -> Tensor:
    r"""Gumbel-softmax (Concrete) relaxation of a categorical sample.

    .. math::

        y = \mathrm{softmax}\big((\theta + g) / \tau\big),
        \qquad g_k \sim \mathrm{Gumbel}(0, 1)

    ``y`` lies in the simplex, is differentiable in :math:`\theta`, and
    tends to the one-hot Gumbel-max sample as :math:`\tau \to 0` (lower bias,
    higher gradient variance).  With ``hard=True`` the forward value is
    exactly that one-hot vector and the backward pass uses the gradient of
    the soft ``y`` (straight-through).

    Written out here (not ``torch.nn.functional.gumbel_softmax``) so that it
    is safe: the noise and softmax are computed in float32 (float64 for
    float64 logits) and cast back, masked logits (``-inf``) get exactly 0
    and a zero gradient, and extreme logits give no NaN or inf.

    Parameters
    ----------
    logits : Tensor
        Unnormalised log-probabilities :math:`\theta`, finite or ``-inf``.
    tau : float, default 1.0
        The temperature, > 0.
    hard : bool, default False
        Return the one-hot sample with the soft gradient (straight-through).
    dim : int, default -1
        The axis of the categories.
    generator : torch.Generator, optional
        Source of the noise, for reproducible draws.

    Returns
    -------
    Tensor
        The relaxed (or, if ``hard``, one-hot) sample, the shape and dtype of
        ``logits``.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor, ``tau`` is not a number,
        ``hard`` is not a bool, or ``generator`` is not a ``torch.Generator``.
    ValueError
        If ``tau <= 0`` or is not finite, ``logits`` contains NaN or ``+inf``
        or has a distribution with every category masked, or ``dim`` is out
        of range.

    Examples
    --------
    >>> import torch
    >>> from neural.reparam import gumbel_softmax
    >>> logits = torch.zeros(4, requires_grad=True)
    >>> y = gumbel_softmax(logits, 0.5, hard=True, generator=torch.Generator().manual_seed(0))
    >>> sorted(y.tolist())
    [0.0, 0.0, 0.0, 1.0]
    >>> (y * torch.arange(4.0)).sum().backward()
    >>> bool(logits.grad.abs().sum() > 0)
    True
    >>> gumbel_softmax(logits, 0.0)
    Traceback (most recent call last):
    ...
    ValueError: tau must be > 0, got 0.0
    """
    tau = _check_tau(tau)
    axis = _check_logits(logits, dim)
    _check_bool("hard", hard)
    _check_generator(generator)
    scores = _gumbel_scores(logits, generator)
    soft = _softmax(scores / tau, axis)
    if not hard:
        return soft.to(logits.dtype)
    # One-hot forward, soft gradient backward.  ``soft - soft.detach()`` is
    # exactly 0, so the value is exactly one-hot (``hard - soft.detach() +
    # soft`` would round to 1 - 2**-24 or so).  The index comes from the
    # scores, not from ``soft``, so it is the Gumbel-max sample even when the
    # softmax saturates.
    index = scores.detach().argmax(dim=axis)
    one_hot = _one_hot_like(scores, index, axis, soft.dtype)
    return (one_hot + (soft - soft.detach())).to(logits.dtype)


def categorical_log_prob(logits: Tensor, index: Tensor, *, dim: int = -1) -> Tensor:
    r"""Log-probability :math:`\log \mathrm{softmax}(\theta)_z` of sampled categories.

    Picks the entry with ``gather`` (not a product with a one-hot vector),
    so masked categories never meet ``0 * -inf`` and the gradient is finite.

    Parameters
    ----------
    logits : Tensor
        Unnormalised log-probabilities :math:`\theta`, finite or ``-inf``.
    index : Tensor
        Integer categories, the shape of ``logits`` without ``dim``.
    dim : int, default -1
        The axis of the categories.

    Returns
    -------
    Tensor
        The log-probabilities, the shape of ``index`` and the dtype of
        ``logits``.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor or ``index`` is not an
        integer tensor.
    ValueError
        If ``index`` has the wrong shape or an entry outside
        ``[0, num_categories)``, or ``logits`` is invalid (see
        :func:`safe_softmax`).

    Examples
    --------
    >>> import torch
    >>> from neural.reparam import categorical_log_prob
    >>> categorical_log_prob(torch.zeros(2, 4), torch.tensor([0, 3])).exp()
    tensor([0.2500, 0.2500])
    """
    axis = _check_logits(logits, dim)
    _check_tensor("index", index)
    if index.dtype.is_floating_point or index.dtype.is_complex or index.dtype == torch.bool:
        raise TypeError(f"index must be an integer tensor, got dtype {index.dtype}")
    expected = logits.shape[:axis] + logits.shape[axis + 1 :]
    if index.shape != expected:
        raise ValueError(
            f"index must have the shape of logits without dim {dim}, {tuple(expected)}, "
            f"got {tuple(index.shape)}"
        )
    num_categories = logits.shape[axis]
    if index.numel() and (int(index.min()) < 0 or int(index.max()) >= num_categories):
        raise ValueError(
            f"index must be in [0, {num_categories}), got values in "
            f"[{int(index.min())}, {int(index.max())}]"
        )
    log_p = _log_softmax(logits, axis)
    picked = log_p.gather(axis, index.long().unsqueeze(axis)).squeeze(axis)
    return picked.to(logits.dtype)


def categorical_kl_uniform(logits: Tensor, *, dim: int = -1) -> Tensor:
    r"""KL divergence from :math:`\mathrm{softmax}(\theta)` to the uniform distribution.

    .. math::

        \mathrm{KL} = \sum_k p_k \log p_k + \log K

    over all :math:`K` categories along ``dim`` (masked ones included in
    :math:`K`; they contribute :math:`0 \log 0 = 0`, with zero gradient).

    Parameters
    ----------
    logits : Tensor
        Unnormalised log-probabilities :math:`\theta`, finite or ``-inf``.
    dim : int, default -1
        The axis of the categories.

    Returns
    -------
    Tensor
        The KL per distribution, the shape of ``logits`` without ``dim``, in
        the working dtype (float32, or float64 for float64 logits).

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor.
    ValueError
        If ``logits`` is invalid (see :func:`safe_softmax`).

    Examples
    --------
    >>> import torch
    >>> from neural.reparam import categorical_kl_uniform
    >>> categorical_kl_uniform(torch.zeros(3))
    tensor(0.)
    >>> round(float(categorical_kl_uniform(torch.tensor([0.0, float("-inf")]))), 4)
    0.6931
    """
    axis = _check_logits(logits, dim)
    log_p = _log_softmax(logits, axis)
    p = log_p.exp()
    # A masked entry has log p = -inf and p = 0; zero its log first so that
    # neither the value (0 * -inf) nor the gradient becomes NaN.
    log_p = log_p.masked_fill(torch.isneginf(log_p), 0.0)
    return (p * log_p).sum(dim=axis) + math.log(logits.shape[axis])


# ----------------------------------------------------------------------------
# Score function (REINFORCE) and baselines
# ----------------------------------------------------------------------------


def score_function_surrogate(
    log_prob: Tensor, f_values: Tensor, baseline: Tensor | float | None = None
) -> Tensor:
    r"""Return a surrogate whose gradient is the score-function (REINFORCE) estimator.

    For samples :math:`z_s \sim p_\theta` with values :math:`f_s = f(z_s)`
    returns, per sample,

    .. math::

        f_s + (f_s - b_s)\,\big(\log p_\theta(z_s) - \bot[\log p_\theta(z_s)]\big)

    where :math:`\bot` stops the gradient and :math:`b_s` (also stopped) is
    the baseline.  Its value is exactly :math:`f_s`, so it can be logged as
    the objective; its gradient is
    :math:`(f_s - b_s)\nabla_\theta \log p_\theta(z_s) + \nabla f_s`, an
    unbiased estimate of :math:`\nabla E[f]` as long as :math:`b_s` does not
    depend on :math:`z_s` (a constant, a running mean of earlier batches, or
    the leave-one-out mean of the other samples).  The second term is the
    pathwise gradient through any parameters ``f_values`` depends on (say a
    decoder); it is zero if ``f_values`` does not require grad.

    Parameters
    ----------
    log_prob : Tensor
        :math:`\log p_\theta(z_s)`, differentiable in :math:`\theta`; for
        several independent categoricals per sample, their sum.
    f_values : Tensor
        :math:`f(z_s)`, the shape of ``log_prob``.
    baseline : Tensor or float, optional
        :math:`b`, broadcastable to ``f_values``; detached here.  ``None``
        means 0.

    Returns
    -------
    Tensor
        The per-sample surrogate, the shape of ``f_values``; average it (or
        sum it with other loss terms) and call ``backward``.

    Raises
    ------
    TypeError
        If ``log_prob`` or ``f_values`` is not a floating-point tensor, or
        ``baseline`` is neither a number nor a tensor.
    ValueError
        If the shapes of ``log_prob`` and ``f_values`` differ, or
        ``baseline`` does not broadcast to them.

    Examples
    --------
    >>> import torch
    >>> from neural.reparam import categorical_log_prob, score_function_surrogate
    >>> logits = torch.zeros(2, requires_grad=True)
    >>> z = torch.tensor([1])
    >>> surrogate = score_function_surrogate(
    ...     categorical_log_prob(logits.expand(1, 2), z), torch.tensor([3.0]), baseline=1.0
    ... )
    >>> surrogate.mean().backward()
    >>> surrogate.detach(), logits.grad
    (tensor([3.]), tensor([-1.,  1.]))
    """
    _check_float_tensor("log_prob", log_prob)
    _check_float_tensor("f_values", f_values)
    if f_values.shape != log_prob.shape:
        raise ValueError(
            f"f_values must have the shape of log_prob {tuple(log_prob.shape)}, "
            f"got {tuple(f_values.shape)}"
        )
    if baseline is None:
        b: Tensor | float = 0.0
    elif isinstance(baseline, Tensor):
        try:
            torch.broadcast_shapes(baseline.shape, f_values.shape)
        except RuntimeError:
            raise ValueError(
                f"baseline must broadcast to the shape of f_values {tuple(f_values.shape)}, "
                f"got {tuple(baseline.shape)}"
            ) from None
        if tuple(torch.broadcast_shapes(baseline.shape, f_values.shape)) != tuple(f_values.shape):
            raise ValueError(
                f"baseline must broadcast to the shape of f_values {tuple(f_values.shape)}, "
                f"got {tuple(baseline.shape)}"
            )
        b = baseline.detach()
    elif isinstance(baseline, numbers.Real) and not isinstance(baseline, bool):
        b = float(baseline)
    else:
        raise TypeError(f"baseline must be a tensor, a number or None, got {baseline!r}")
    advantage = (f_values - b).detach()
    return f_values + advantage * (log_prob - log_prob.detach())


def leave_one_out_baseline(f_values: Tensor, *, dim: int = 0) -> Tensor:
    r"""For each of :math:`S` samples, the mean of the other :math:`S - 1` values.

    .. math::

        b_s = \frac{1}{S - 1} \sum_{j \ne s} f_j

    :math:`b_s` does not depend on :math:`z_s`, so REINFORCE with it stays
    unbiased.  The result is detached.

    Parameters
    ----------
    f_values : Tensor
        The values :math:`f(z_s)`, with the samples along ``dim``.
    dim : int, default 0
        The axis of the samples; it needs at least 2.

    Returns
    -------
    Tensor
        The baselines, the shape of ``f_values``.

    Raises
    ------
    TypeError
        If ``f_values`` is not a floating-point tensor.
    ValueError
        If there are fewer than 2 samples along ``dim``, or ``dim`` is out of
        range.

    Examples
    --------
    >>> import torch
    >>> from neural.reparam import leave_one_out_baseline
    >>> leave_one_out_baseline(torch.tensor([1.0, 2.0, 6.0]))
    tensor([4.0000, 3.5000, 1.5000])
    """
    _check_float_tensor("f_values", f_values)
    axis = _check_dim("f_values", f_values, dim)
    num = f_values.shape[axis]
    if num < 2:
        raise ValueError(
            f"f_values must have at least 2 samples along dim {dim} for a leave-one-out "
            f"baseline, got {num}"
        )
    f = f_values.detach()
    return (f.sum(dim=axis, keepdim=True) - f) / (num - 1)


class RunningMeanBaseline:
    r"""An exponential running mean of :math:`f`, as a REINFORCE baseline.

    Call it on each batch of values: it returns the running mean of the
    *earlier* batches (so the baseline does not depend on this batch's
    samples and REINFORCE stays unbiased) and then folds this batch's mean
    in.  The mean is bias-corrected like Adam's moments, so the first batches
    are not pulled towards 0; before any batch the baseline is 0.

    Parameters
    ----------
    decay : float, default 0.9
        Weight of the old mean in each update, in ``[0, 1)``; 0 uses the
        previous batch alone.

    Attributes
    ----------
    decay : float
        The decay.
    num_updates : int
        Batches seen so far.

    Raises
    ------
    ValueError
        If ``decay`` is not in ``[0, 1)``.

    Examples
    --------
    >>> import torch
    >>> from neural.reparam import RunningMeanBaseline
    >>> baseline = RunningMeanBaseline(decay=0.5)
    >>> baseline(torch.tensor([2.0, 4.0]))  # nothing seen yet
    tensor(0.)
    >>> baseline(torch.tensor([6.0]))  # the first batch's mean
    tensor(3.)
    >>> baseline.value
    5.0
    """

    def __init__(self, decay: float = 0.9) -> None:
        if isinstance(decay, bool) or not isinstance(decay, numbers.Real):
            raise TypeError(f"decay must be a number in [0, 1), got {decay!r}")
        if not 0.0 <= float(decay) < 1.0:
            raise ValueError(f"decay must be in [0, 1), got {decay!r}")
        self.decay = float(decay)
        self.num_updates = 0
        self._ema = 0.0

    @property
    def value(self) -> float:
        """The current (bias-corrected) running mean; 0.0 before any update."""
        if self.num_updates == 0:
            return 0.0
        return self._ema / (1.0 - self.decay**self.num_updates)

    def update(self, f_values: Tensor | float) -> float:
        """Fold the mean of ``f_values`` into the running mean and return the new value.

        Parameters
        ----------
        f_values : Tensor or float
            This batch's values (any shape, at least one entry).

        Returns
        -------
        float
            The running mean after the update.

        Raises
        ------
        ValueError
            If ``f_values`` is empty or its mean is not finite.
        """
        if isinstance(f_values, Tensor):
            if f_values.numel() == 0:
                raise ValueError("f_values must have at least one entry, got an empty tensor")
            mean = float(f_values.detach().float().mean())
        elif isinstance(f_values, numbers.Real) and not isinstance(f_values, bool):
            mean = float(f_values)
        else:
            raise TypeError(f"f_values must be a tensor or a number, got {f_values!r}")
        if not math.isfinite(mean):
            raise ValueError(f"f_values must have a finite mean, got {mean}")
        self._ema = self.decay * self._ema + (1.0 - self.decay) * mean
        self.num_updates += 1
        return self.value

    def __call__(self, f_values: Tensor) -> Tensor:
        """Return the baseline for this batch (earlier batches only), then update.

        Parameters
        ----------
        f_values : Tensor
            This batch's values.

        Returns
        -------
        Tensor
            A 0-d tensor on the device and in the dtype of ``f_values``.
        """
        _check_float_tensor("f_values", f_values)
        current = torch.tensor(self.value, dtype=f_values.dtype, device=f_values.device)
        self.update(f_values)
        return current

    def __repr__(self) -> str:
        return (
            f"RunningMeanBaseline(decay={self.decay}, value={self.value:.6g}, "
            f"num_updates={self.num_updates})"
        )
