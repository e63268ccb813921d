"""Getting a file's bytes: paths, standard input and gzip, with errors that name the file."""

from __future__ import annotations

import os
import re
import sys
import zlib

from ..errors import InputFormatError

STDIN_NAME = "<stdin>"

_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"

# A decimal number as the official Infomap reads it (no '1_000', no '0x10'),
# or inf/nan, which the callers refuse with their own message.
_NUMBER = re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                     rb"|[+-]?(?:inf|infinity|nan)", re.IGNORECASE)


def display_name(path: str | os.PathLike) -> str:
    """Return the name used for ``path`` in messages."""
    if isinstance(path, str) and path == "-":
        return STDIN_NAME
    return os.fspath(path) if not isinstance(path, bytes) else path.decode(errors="replace")


def strip_gz(name: str) -> str:
    """Return ``name`` without a trailing ``.gz``."""
    return name[:-3] if name.lower().endswith(".gz") else name


def read_bytes(path: str | os.PathLike) -> tuple[bytes, str]:
    """Return ``(data, name)``: the content of ``path`` and its name for messages.

    ``"-"`` is standard input; gzip data is decompressed, whatever the
    file's name.  Line ends may be ``\n``, ``\r\n`` or, in a file with
    no ``\n`` at all, ``\r`` (classic Mac OS): those become ``\n``.

    Raises
    ------
    InputFormatError
        When the file is missing, is a directory, cannot be read, or is a
        broken gzip file.
    TypeError
        When ``path`` is not a str or path-like object.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    name = display_name(path)
    if isinstance(path, str) and path == "-":
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        data = stream.read()
        if isinstance(data, str):
            data = data.encode()
    else:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise InputFormatError(name, None, "no such file") from None
        except IsADirectoryError:
            raise InputFormatError(name, None, "is a directory, not a file") from None
        except PermissionError:
            if os.path.isdir(path):
                raise InputFormatError(name, None, "is a directory, not a file") from None
            raise InputFormatError(name, None, "permission denied: cannot read the file") from None
        except OSError as err:
            raise InputFormatError(name, None, f"cannot read the file: {err.strerror or err}") \
                from None
    if data[:2] == _GZIP_MAGIC:
        try:
            data = _gunzip(data)
        except (OSError, EOFError, zlib.error) as err:
            raise InputFormatError(name, None, f"not a valid gzip file: {err}") from None
    if b"\r" in data and b"\n" not in data:
        data = data.replace(b"\r", b"\n")
    return data, name


def _gunzip(data: bytes) -> bytes:
    """Decompress gzip data, every member of it (``cat a.gz b.gz`` is valid gzip).

    ``zlib`` directly is markedly faster than :func:`gzip.decompress`.
    """
    parts = []
    while data:
        inflater = zlib.decompressobj(wbits=31)
        parts.append(inflater.decompress(data))
        if not inflater.eof:
            raise EOFError("the compressed data ends early (truncated file?)")
        data = inflater.unused_data
        if not data.strip(b"\x00"):
            break
    return parts[0] if len(parts) == 1 else b"".join(parts)


def start_offset(data: bytes) -> int:
    """Return the offset of the text after a UTF-8 byte-order mark, if any."""
    return len(_BOM) if data.startswith(_BOM) else 0


def decode(raw: bytes) -> str:
    """Decode ``raw`` as UTF-8, falling back to Latin-1 (older Pajek files)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_number(token: str | bytes) -> float:
    """Return the decimal number ``token`` (like ``2``, ``-0.5`` or ``1e-3``) as a float.

    Unlike :func:`float`, it refuses digit separators (``1_000``) and
    non-ASCII digits; ``inf`` and ``nan`` pass, for the caller to refuse.

    Raises
    ------
    ValueError
        When ``token`` is not a decimal number.
    """
    raw = token.encode("utf-8", "replace") if isinstance(token, str) else token
    if _NUMBER.fullmatch(raw) is None:
        raise ValueError(f"not a decimal number: {token!r}")
    return float(raw)
