"""Byte-level parsing of link lines ``source target [weight]``.

The input is the file's bytes as a ``uint8`` array.  A line holds up to three
tokens separated by spaces, tabs or commas; ``#`` starts a comment that runs
to the end of the line; blank lines are skipped.  A line whose first
non-blank byte is ``*`` is a section heading (Pajek): the parsers stop there
and hand it back to the caller.

Node ids are parsed as non-negative integers below 2**63 (``-1`` marks a
token that is not one, so the caller can switch to names).  Weights are parsed to the
nearest double, as ``float()`` does: with one IEEE operation where that is
exact (a mantissa of at most 2**53 and a decimal exponent within +-22), else
with the Eisel-Lemire algorithm (up to 19 significant digits, more when the
dropped digits cannot change the result); the rare rest (and ``inf``,
``nan``, hex) is returned as NaN for the caller to parse with ``float()``.
"""

import math

import numpy as np

from ._jit import jit

#: Status codes of :func:`parse_links`.
END = 0
HEADING = 1
TOO_FEW_COLUMNS = 2
TOO_MANY_COLUMNS = 3

_NEWLINE = 10
_HASH = 35
_STAR = 42

_POW10 = np.array([10.0**k for k in range(23)])
_MAX_EXACT = np.uint64(1 << 53)

_U0, _U1, _U3, _U9, _U10 = (np.uint64(k) for k in (0, 1, 3, 9, 10))
_U32, _U53, _U63 = (np.uint64(k) for k in (32, 53, 63))
_MASK32 = np.uint64(0xFFFFFFFF)
_LOW9 = np.uint64(0x1FF)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_U33 = np.uint64(33)
_TOP_BIT = np.uint64(1 << 63)
_INT64_MAX = (1 << 63) - 1


def _powers_of_ten(low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the 128-bit mantissas of ``10**e`` for ``e`` in ``low..high``.

    They are normalised to a top bit of 1 and rounded down, and returned as
    arrays of their (high, low) 64-bit halves.
    """
    high_words, low_words = [], []
    for e in range(low, high + 1):
        if e >= 0:
            value = 10**e
            shift = 128 - value.bit_length()
            m = value << shift if shift >= 0 else value >> -shift
        else:
            divisor = 10**-e
            m = (1 << (127 + divisor.bit_length())) // divisor
        high_words.append(m >> 64)
        low_words.append(m & ((1 << 64) - 1))
    return np.array(high_words, dtype=np.uint64), np.array(low_words, dtype=np.uint64)


_MIN_EXP10 = -342
_MAX_EXP10 = 308
_POW10_HIGH, _POW10_LOW = _powers_of_ten(_MIN_EXP10, _MAX_EXP10)


@jit
def _is_separator(c):
    # space, tab, comma, carriage return, vertical tab, form feed
    return c == 32 or c == 9 or c == 44 or c == 13 or c == 11 or c == 12


@jit
def _split_line(data, p):
    """Split the line starting at ``p``.

    Returns ``(num_tokens, start0, end0, start1, end1, start2, end2, stop)``:
    the byte ranges of the first three tokens and the position of the line's
    newline (or the end of the data).  ``num_tokens`` counts every token.
    """
    n = data.shape[0]
    num_tokens = 0
    s0 = e0 = s1 = e1 = s2 = e2 = -1
    while True:
        while p < n and _is_separator(data[p]):
            p += 1
        if p >= n or data[p] == _NEWLINE or data[p] == _HASH:
            break
        start = p
        while p < n:
            c = data[p]
            if c == _NEWLINE or c == _HASH or _is_separator(c):
                break
            p += 1
        if num_tokens == 0:
            s0, e0 = start, p
        elif num_tokens == 1:
            s1, e1 = start, p
        elif num_tokens == 2:
            s2, e2 = start, p
        num_tokens += 1
    while p < n and data[p] != _NEWLINE:
        p += 1
    return num_tokens, s0, e0, s1, e1, s2, e2, p


@jit
def _is_heading(data, p):
    """Whether the line starting at ``p`` starts with ``*`` (after blanks)."""
    n = data.shape[0]
    while p < n and _is_separator(data[p]):
        p += 1
    return p < n and data[p] == _STAR


@jit
def _is_token_end(c):
    return c == _NEWLINE or c == _HASH or _is_separator(c)


@jit
def _skip_token(data, p):
    n = data.shape[0]
    while p < n and not _is_token_end(data[p]):
        p += 1
    return p


@jit
def _scan_id(data, p):
    """Parse the id token at ``p``; return ``(value, end)``.

    The value is -1 where the token is not a non-negative integer below
    2**63 (an int64).
    """
    n = data.shape[0]
    start = p
    value = 0
    too_large = False
    while p < n:
        digit = data[p] - 48
        if digit < 0 or digit > 9:
            break
        if p - start < 18 or value <= (_INT64_MAX - digit) // 10:  # 18 digits always fit
            value = value * 10 + digit
        else:
            too_large = True
        p += 1
    if p < n and not _is_token_end(data[p]):
        return -1, _skip_token(data, p)
    if too_large:
        return -1, p
    return value, p


@jit
def _mul64(a, b):
    """Return ``(high, low)`` 64-bit halves of the 128-bit product of two uint64."""
    a0 = a & _MASK32
    a1 = a >> _U32
    b0 = b & _MASK32
    b1 = b >> _U32
    w0 = a0 * b0
    t = a1 * b0 + (w0 >> _U32)
    w1 = (t & _MASK32) + a0 * b1
    high = a1 * b1 + (t >> _U32) + (w1 >> _U32)
    return high, a * b


@jit
def _eisel_lemire(mantissa, exp10):
    """Return the double nearest to ``mantissa * 10**exp10``, or NaN.

    ``mantissa`` is a nonzero uint64.  NaN means the rounding cannot be
    decided from a 128-bit product (rare), or the result is subnormal,
    infinite or out of range.

    This is the Eisel-Lemire algorithm (Lemire, "Number parsing at a
    gigabyte per second", 2021).
    """
    if exp10 < _MIN_EXP10 or exp10 > _MAX_EXP10:
        return np.nan
    leading_zeros = 0
    man = mantissa
    while (man & _TOP_BIT) == _U0:
        man = man << _U1
        leading_zeros += 1
    exp2 = ((217706 * exp10) >> 16) + 64 + 1023 - leading_zeros
    row = exp10 - _MIN_EXP10
    high, low = _mul64(man, _POW10_HIGH[row])
    if (high & _LOW9) == _LOW9 and low + man < man:
        extra_high, extra_low = _mul64(man, _POW10_LOW[row])
        merged_high = high
        merged_low = low + extra_high
        if merged_low < low:
            merged_high += _U1
        if (merged_high & _LOW9) == _LOW9 and merged_low + _U1 == _U0 and extra_low + man < man:
            return np.nan
        high = merged_high
        low = merged_low
    top = high >> _U63
    result = high >> (top + _U9)
    exp2 -= 1 - np.int64(top)
    if low == _U0 and (high & _LOW9) == _U0 and (result & _U3) == _U1:
        return np.nan  # halfway between two doubles
    result += result & _U1
    result = result >> _U1
    if (result >> _U53) > _U0:
        result = result >> _U1
        exp2 += 1
    if exp2 <= 0 or exp2 >= 0x7FF:
        return np.nan
    return math.ldexp(float(result), exp2 - 1075)


@jit
def _scan_weight(data, p):
    """Parse the weight token at ``p``; return ``(value, end)``.

    The value is exact (the double nearest to the decimal); it is NaN where
    the token is not a plain decimal number or the exact value could not be
    settled here (the caller then parses the token with ``float()``).
    """
    n = data.shape[0]
    negative = False
    if data[p] == 45 or data[p] == 43:  # '-' or '+'
        negative = data[p] == 45
        p += 1
    mantissa = _U0
    num_digits = 0
    exponent = 0
    seen_digit = False
    truncated = False
    while p < n and 48 <= data[p] <= 57:
        seen_digit = True
        digit = data[p] - 48
        if mantissa > _U0 or digit > 0:
            if num_digits < 19:
                mantissa = mantissa * _U10 + np.uint64(digit)
                num_digits += 1
            else:
                exponent += 1
                truncated = truncated or digit > 0
        p += 1
    if p < n and data[p] == 46:  # '.'
        p += 1
        while p < n and 48 <= data[p] <= 57:
            seen_digit = True
            digit = data[p] - 48
            if mantissa > _U0 or digit > 0:
                if num_digits < 19:
                    mantissa = mantissa * _U10 + np.uint64(digit)
                    num_digits += 1
                    exponent -= 1
                else:
                    truncated = truncated or digit > 0
            else:
                exponent -= 1
            p += 1
    exponent_ok = True
    if seen_digit and p < n and (data[p] == 101 or data[p] == 69):  # 'e' or 'E'
        p += 1
        exp_negative = False
        if p < n and (data[p] == 45 or data[p] == 43):
            exp_negative = data[p] == 45
            p += 1
        value = 0
        exp_digits = 0
        while p < n and 48 <= data[p] <= 57:
            if value < 100000:
                value = value * 10 + (data[p] - 48)
            exp_digits += 1
            p += 1
        exponent_ok = exp_digits > 0
        exponent += -value if exp_negative else value
    if p < n and not _is_token_end(data[p]):
        return np.nan, _skip_token(data, p)
    if not (seen_digit and exponent_ok):
        return np.nan, p
    if mantissa == _U0:
        return (-0.0 if negative else 0.0), p
    if not truncated and mantissa > _MAX_EXACT:
        while mantissa % _U10 == _U0:  # 1.500000000000000000e+00 is 15e-1
            mantissa = mantissa // _U10
            exponent += 1
    if not truncated and mantissa <= _MAX_EXACT and -22 <= exponent <= 22:
        # One correctly rounded operation on exact operands.
        result = float(mantissa)
        if exponent >= 0:
            result *= _POW10[exponent]
        else:
            result /= _POW10[-exponent]
    else:
        result = _eisel_lemire(mantissa, exponent)
        if truncated and result != _eisel_lemire(mantissa + _U1, exponent):
            result = np.nan  # the dropped digits could change the rounding
    return (-result if negative else result), p


@jit
def parse_links(data, pos, line, source, target, weight, count):
    """Parse link lines from ``data[pos:]`` into the arrays from ``count`` on.

    ``line`` is the number of lines before ``pos``.  Parsing stops at the end
    of the data, at a heading line, or at a line with one or more than three
    tokens.

    Returns ``(status, pos, line, count, text_line, max_id_length)``:
    ``status`` is :data:`END`, :data:`HEADING` (``pos`` is the start of the
    heading line, ``line`` the number of lines before it) or a column-count
    error (``pos`` is the start of the bad line, ``line`` its number);
    ``count`` is the number of links stored so far; ``text_line`` is the
    first line with an id that is not a non-negative integer (0 if none),
    and ``max_id_length`` the longest id token in bytes.
    """
    n = data.shape[0]
    text_line = 0
    max_length = 0
    while pos < n:
        line += 1
        p = pos
        while p < n and _is_separator(data[p]):
            p += 1
        if p < n and data[p] == _STAR:
            return HEADING, pos, line - 1, count, text_line, max_length
        num_tokens = 0
        u = -1
        v = -1
        w = 1.0
        while p < n:
            c = data[p]
            if c == _NEWLINE or c == _HASH:
                break
            if _is_separator(c):
                p += 1
                continue
            start = p
            if num_tokens == 0:
                u, p = _scan_id(data, p)
                max_length = max(max_length, p - start)
            elif num_tokens == 1:
                v, p = _scan_id(data, p)
                max_length = max(max_length, p - start)
            elif num_tokens == 2:
                w, p = _scan_weight(data, p)
            else:
                p = _skip_token(data, p)
            num_tokens += 1
        if num_tokens == 1:
            return TOO_FEW_COLUMNS, pos, line, count, text_line, max_length
        if num_tokens > 3:
            return TOO_MANY_COLUMNS, pos, line, count, text_line, max_length
        if num_tokens > 0:
            if (u < 0 or v < 0) and text_line == 0:
                text_line = line
            source[count] = u
            target[count] = v
            weight[count] = w
            count += 1
        while p < n and data[p] != _NEWLINE:
            p += 1
        pos = p + 1
    return END, n, line, count, text_line, max_length


@jit
def locate_links(data, pos, line, records):
    """Find links by their index among the link lines from ``pos`` on.

    ``records`` must be sorted.  Returns ``(lines, line_starts,
    weight_starts, weight_ends)`` per record: its line number, the offset of
    its line, and the byte range of its weight token (-1 if none).
    """
    n = data.shape[0]
    k = records.shape[0]
    lines = np.zeros(k, dtype=np.int64)
    starts = np.zeros(k, dtype=np.int64)
    w_starts = np.full(k, -1, dtype=np.int64)
    w_ends = np.full(k, -1, dtype=np.int64)
    found = 0
    index = 0
    while pos < n and found < k:
        line += 1
        if _is_heading(data, pos):
            break
        num_tokens, s0, e0, s1, e1, s2, e2, stop = _split_line(data, pos)
        if num_tokens > 0:
            while found < k and records[found] == index:
                lines[found] = line
                starts[found] = pos
                if num_tokens >= 3:
                    w_starts[found] = s2
                    w_ends[found] = e2
                found += 1
            index += 1
        pos = stop + 1
    return lines, starts, w_starts, w_ends


@jit
def _fnv1a(data, start, end):
    """Return the 64-bit FNV-1a hash of ``data[start:end]``."""
    h = _FNV_OFFSET
    for p in range(start, end):
        h = (h ^ np.uint64(data[p])) * _FNV_PRIME
    return h


@jit
def _slot(h, size):
    """Return the hash table slot of hash ``h`` in a table of ``size`` (a power
    of two), after mixing every bit of ``h`` into the low ones (MurmurHash3's
    finaliser), which FNV-1a alone leaves clustered for names like ``user17``."""
    h = (h ^ (h >> _U33)) * _MIX1
    h = (h ^ (h >> _U33)) * _MIX2
    h = h ^ (h >> _U33)
    return np.int64(h & np.uint64(size - 1))


@jit
def _equals_stored(data, start, end, arena, stored_start, stored_end):
    """Whether ``data[start:end]`` equals ``arena[stored_start:stored_end]``."""
    if end - start != stored_end - stored_start:
        return False
    for i in range(end - start):
        if data[start + i] != arena[stored_start + i]:
            return False
    return True


@jit
def _doubled(a, size):
    """Return ``a`` in a new array of at least ``size`` elements (at least twice as many)."""
    out = np.empty(max(2 * a.shape[0], size), dtype=a.dtype)
    out[:a.shape[0]] = a
    return out


@jit
def name_ids(data, pos, num_links):
    """Number the id tokens of the first ``num_links`` link lines from ``pos``
    on, as names, in order of first appearance.

    Returns ``(ids, arena, bounds)``: link ``e`` joins names ``ids[2 e]``
    and ``ids[2 e + 1]``, and name ``i`` is ``arena[bounds[i]:bounds[i + 1]]``
    (every distinct name once).  Names are found in a hash table of their
    64-bit FNV-1a hashes and compared byte by byte with the copy in the
    small arena; table and arena grow with the names, so memory does not
    depend on the longest name.  Where two different names share a hash
    (rare: about one file in a million with ten million names), ``ids`` is
    empty and the caller numbers the names another way.
    """
    n = data.shape[0]
    ids = np.empty(2 * num_links, dtype=np.int64)
    arena = np.empty(1024, dtype=np.uint8)
    bounds = np.zeros(65, dtype=np.int64)
    # slot -> (name, hash); an interleaved row is one cache line away
    table = np.full((128, 2), -1, dtype=np.int64)
    count = 0
    k = 0
    while pos < n and k < 2 * num_links:
        num_tokens, s0, e0, s1, e1, s2, e2, stop = _split_line(data, pos)
        pos = stop + 1
        if num_tokens == 0:
            continue
        for side in range(2):
            s = s0 if side == 0 else s1
            e = e0 if side == 0 else e1
            h = _fnv1a(data, s, e)
            key = np.int64(h)
            size = table.shape[0]
            slot = _slot(h, size)
            found = -1
            while table[slot, 0] >= 0:
                if table[slot, 1] == key:
                    i = table[slot, 0]
                    if not _equals_stored(data, s, e, arena, bounds[i], bounds[i + 1]):
                        return ids[:0], arena[:0], bounds[:0]
                    found = i
                    break
                slot = (slot + 1) & (size - 1)
            if found < 0:
                found = count
                if count + 2 > bounds.shape[0]:
                    bounds = _doubled(bounds, count + 2)
                stored = bounds[count]
                if stored + e - s > arena.shape[0]:
                    arena = _doubled(arena, stored + e - s)
                arena[stored:stored + e - s] = data[s:e]
                bounds[count + 1] = stored + e - s
                table[slot, 0] = count
                table[slot, 1] = key
                count += 1
                if 2 * count > size:
                    old = table
                    table = np.full((2 * size, 2), -1, dtype=np.int64)
                    for row in range(size):
                        if old[row, 0] >= 0:
                            slot = _slot(np.uint64(old[row, 1]), 2 * size)
                            while table[slot, 0] >= 0:
                                slot = (slot + 1) & (2 * size - 1)
                            table[slot, 0] = old[row, 0]
                            table[slot, 1] = old[row, 1]
            ids[k] = found
            k += 1
    return ids, arena[:bounds[count]].copy(), bounds[:count + 1].copy()


@jit
def compact_ids(source, target, low, span):
    """Renumber ids in place to ``0..k-1`` in increasing id order; return the ``k`` ids.

    All ids in ``source`` and ``target`` lie within ``low..low + span - 1``.
    """
    index = np.zeros(span, dtype=np.int64)
    for e in range(source.shape[0]):
        index[source[e] - low] = 1
        index[target[e] - low] = 1
    k = 0
    for i in range(span):
        if index[i]:
            k += 1
    ids = np.empty(k, dtype=np.int64)
    k = 0
    for i in range(span):
        if index[i]:
            ids[k] = low + i
            index[i] = k
            k += 1
    for e in range(source.shape[0]):
        source[e] = index[source[e] - low]
        target[e] = index[target[e] - low]
    return ids
