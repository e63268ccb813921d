"""Columns of numbers as text, formatted with NumPy a block of rows at a time.

The writers print millions of rows such as ``path flow "name" id``; an
f-string per number costs about a microsecond each.  Here a whole column is
turned into characters at once, byte for byte the text that Python writes:
integers as ``str(i)`` and floats as ``f"{x:.6g}"`` (the official Infomap's
six significant digits).  A float whose rounding to six digits is too close
to call in floating point (or that is not finite) is formatted by Python.

A row is a list of *fields*: a ``str`` (the same text on every row), an
integer array or a float array (one value per row).  The fields of a row are
written side by side, without separators of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_ZERO = ord("0")
#: 10**0 .. 10**19, every power of ten an unsigned 64-bit integer holds.
_POW10_U64 = 10 ** np.arange(20, dtype=np.uint64)
#: 10.0**0 .. 10.0**22, every power of ten that a float64 holds exactly.
_POW10_F64 = 10.0 ** np.arange(23)
_ROW_END = 0  # ends a row's text before it is split into rows (no field holds it)

Field = str | np.ndarray


def _int_chars(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the characters of ``str(v)`` for every value, right-aligned, and which to keep."""
    values = np.asarray(values, dtype=np.int64)
    n = values.shape[0]
    negative = values < 0
    magnitude = np.abs(values).view(np.uint64)  # |-2**63| wraps to 2**63 as uint64
    num_digits = np.maximum(np.searchsorted(_POW10_U64, magnitude, side="right"), 1)
    width = int(num_digits.max()) if n else 1
    if n and int(magnitude.max()) < 2**31:
        magnitude = magnitude.astype(np.int32)  # narrower division is faster
    chars = np.empty((width + 1, n), dtype=np.uint8)
    chars[0] = ord("-")
    rest = magnitude
    for j in range(width, 0, -1):
        rest, digit = np.divmod(rest, 10)
        chars[j] = digit
    chars[1:] += _ZERO
    keep = np.arange(width + 1)[:, None] >= (width + 1 - num_digits)
    keep[0] = negative
    return chars, keep


# The ``.6g`` text of a float is laid out in 22 columns: a sign, the
# "0.000" before the digits of a number below 1e-1, the six digits with a
# possible point after each of the first five, and the exponent "e+dd(d)";
# trailing zeros of the fraction (and a point with nothing after it) are
# left out.
_SIGN, _LEAD, _DIGITS, _EXPONENT, _G_WIDTH = 0, 1, 6, 17, 22


def _g_chars(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the characters of ``f"{x:.6g}"`` for every value, and which to keep."""
    x = np.asarray(values, dtype=np.float64)
    n = x.shape[0]
    size = np.abs(x)
    normal = np.isfinite(size) & (size > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.floor(np.log10(np.where(normal, size, 1.0))).astype(np.int64)
    shift = 5 - exponent
    exact = normal & (np.abs(shift) <= 22)  # the scale 10**|shift| is exact
    shift = np.where(exact, shift, 0)
    scale = _POW10_F64[np.abs(shift)]
    scaled = np.where(shift >= 0, size * scale, size / scale)  # one rounding: ~1e-10 off
    with np.errstate(invalid="ignore"):
        fraction = scaled - np.floor(scaled)
    mantissa = np.rint(scaled)
    exact &= (np.abs(fraction - 0.5) > 1e-6) & (mantissa >= 1e5) & (mantissa < 1e6)
    mantissa = np.where(exact, mantissa, 1e5).astype(np.int32)
    exponent = np.where(exact, exponent, 0)

    chars = np.empty((_G_WIDTH, n), dtype=np.uint8)
    keep = np.zeros((_G_WIDTH, n), dtype=bool)
    digits = chars[_DIGITS:_EXPONENT:2]  # the rows between are points
    rest = mantissa
    for j in range(5, -1, -1):
        rest, digit = np.divmod(rest, 10)
        digits[j] = digit
    last = np.full(n, 5)  # the last nonzero digit
    for j in range(1, 6):
        last -= mantissa % 10**j == 0
    digits += _ZERO
    chars[_DIGITS + 1:_EXPONENT:2] = ord(".")
    fixed = (exponent >= -4) & (exponent < 6)
    below_one = fixed & (exponent < 0)
    point = np.where(fixed, np.where(exponent >= 0, exponent + 1, 6), 1)  # digits before it
    chars[_SIGN] = ord("-")
    keep[_SIGN] = np.signbit(x)
    chars[_LEAD:_DIGITS] = np.frombuffer(b"0.000", dtype=np.uint8)[:, None]
    keep[_LEAD:_DIGITS] = np.arange(5)[:, None] < np.where(below_one, 1 - exponent, 0)
    whole_to = np.where(below_one, last, np.maximum(last, point - 1))
    keep[_DIGITS:_EXPONENT:2] = np.arange(6)[:, None] <= whole_to
    has_fraction = (last >= point) & ~below_one
    keep[_DIGITS + 1:_EXPONENT:2] = (np.arange(1, 6)[:, None] == point) & has_fraction
    scientific = ~fixed
    power = np.abs(exponent)
    chars[_EXPONENT] = ord("e")
    chars[_EXPONENT + 1] = np.where(exponent < 0, ord("-"), ord("+"))
    chars[_EXPONENT + 2] = _ZERO + power // 100 % 10
    chars[_EXPONENT + 3] = _ZERO + power // 10 % 10
    chars[_EXPONENT + 4] = _ZERO + power % 10
    keep[_EXPONENT:] = scientific
    keep[_EXPONENT + 2] &= power >= 100

    zero = size == 0  # "0", or "-0" for -0.0
    keep[_LEAD:, zero] = False
    chars[_DIGITS, zero] = _ZERO
    keep[_DIGITS, zero] = True
    for i in np.flatnonzero(~exact & ~zero).tolist():  # by Python: not finite, or too close
        text = f"{float(x[i]):.6g}".encode("ascii")
        chars[:len(text), i] = np.frombuffer(text, dtype=np.uint8)
        keep[:, i] = np.arange(_G_WIDTH) < len(text)
    return chars, keep


def _field_chars(field: Field, n: int) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(field, str):
        text = np.frombuffer(field.encode("ascii"), dtype=np.uint8)
        return (np.broadcast_to(text[:, None], (text.shape[0], n)),
                np.broadcast_to(np.ones((text.shape[0], 1), dtype=bool), (text.shape[0], n)))
    if field.dtype.kind == "f":
        return _g_chars(field)
    if field.dtype.kind in "iu":
        return _int_chars(field)
    raise TypeError(f"a field must be text or a number array, got dtype {field.dtype}")


def _row_chars(fields: Sequence[Field], n: int) -> np.ndarray:
    parts = [_field_chars(field, n) for field in fields]
    # The fields are made a column of characters at a time (a row of these
    # arrays); columns that no row keeps are dropped before a row's
    # characters are put together.
    chars = np.concatenate([p[0] for p in parts], axis=0)
    keep = np.concatenate([p[1] for p in parts], axis=0)
    used = keep.any(axis=1)
    if not used.all():
        chars, keep = chars[used], keep[used]
    return chars.T.copy()[keep.T.copy()]


def rows_block(fields: Sequence[Field], n: int) -> str:
    """Return the text of ``n`` rows of ``fields`` (side by side), one row after another.

    A ``str`` field must be ASCII; put a line end in the last one.
    """
    if n == 0:
        return ""
    return _row_chars(fields, n).tobytes().decode("ascii")


def rows_text(fields: Sequence[Field], n: int) -> list[str]:
    """Return the text of each of ``n`` rows of ``fields`` (side by side), a string a row."""
    if n == 0:
        return []
    text = _row_chars(list(fields) + [chr(_ROW_END)], n).tobytes().decode("ascii")
    rows = text.split(chr(_ROW_END))
    rows.pop()
    return rows
