"""A BERT WordPiece tokenizer in plain Python.

Two stages, as in BERT:

1. basic tokenization: drop control characters (and U+0000, U+FFFD), turn
   whitespace into spaces, put spaces around CJK ideographs, strip accents
   (NFD, then drop the non-spacing marks), lowercase, split on whitespace,
   and split every punctuation character off as a word of its own;
2. WordPiece: split each word greedily into the longest vocabulary entries,
   the pieces after the first carrying the ``##`` prefix; a word that cannot
   be split that way (or is longer than ``max_chars_per_word`` characters)
   becomes the unknown token.

Special tokens written in the text (``[CLS]``, ``[SEP]``, ``[MASK]``, ...)
are kept whole, exactly as written (``[cls]`` is not special).

The reference is the Hugging Face tokenizer that ``transformers`` loads for
BERT checkpoints (the Rust ``tokenizers`` backend: ``BertNormalizer``,
``BertPreTokenizer``, ``WordPiece``).  Where it differs from the original
Python ``BasicTokenizer`` we follow it: characters are lowercased one at a
time (a capital sigma always becomes ``σ``, never the final ``ς``), accents
are stripped before lowercasing, U+2028 and U+2029 count as whitespace,
unassigned code points are kept (not dropped as control characters), CJK
Extension E is split from U+2B920 on (the backend's range), and pairs are
truncated with the backend's ``longest_first`` rule.

Character classes come from Python's :mod:`unicodedata`.  The backend's
tables are older (Unicode 9-era categories), so about 560 code points added
to Unicode since then (punctuation and combining marks of recently encoded
scripts, such as U+061D or U+2E52) can be tokenized differently; every other
code point gives the same words.

Nothing here needs torch; :meth:`WordPieceTokenizer.__call__` imports it only
to return tensors (``return_tensors="pt"``).
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["WordPieceTokenizer"]

#: Prefix of the WordPiece pieces that continue a word.
SUBWORD_PREFIX = "##"

# The CJK Unified Ideographs blocks and their extensions, and the CJK
# compatibility ideographs: the characters BERT puts spaces around.  (Not
# Hangul, Hiragana or Katakana: those are written with spaces or split by
# WordPiece.)  Extension E starts at U+2B820, but the Hugging Face backend's
# range starts at U+2B920 (original BERT: U+2B820); we follow the backend.
_CJK_RANGES = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B920, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)

# Unicode White_Space characters other than the control characters among them
# (U+000B, U+000C, U+0085 are control characters and are dropped, U+001C to
# U+001F are not White_Space at all), plus tab, newline and carriage return.
_WHITESPACE = frozenset(
    "\t\n\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs"})

_PADDING_CHOICES = (True, False, "longest", "max_length", "do_not_pad")
_TRUNCATION_CHOICES = (True, False, "longest_first", "do_not_truncate")
_TENSOR_CHOICES = ("pt", "np", None)

# The WordPiece decoder's clean-up, applied to each token with its leading
# space, as the Hugging Face decoder does.
_CLEANUP = (
    (" .", "."),
    (" ?", "?"),
    (" !", "!"),
    (" ,", ","),
    (" ' ", "'"),
    (" n't", "n't"),
    (" 'm", "'m"),
    (" do not", " don't"),
    (" 's", "'s"),
    (" 've", "'ve"),
    (" 're", "'re"),
)


def _is_cjk(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


@functools.lru_cache(maxsize=65536)
def _clean_char(ch: str, tokenize_chinese_chars: bool) -> str:
    """What one input character becomes: itself, ``""``, ``" "`` or ``" ch "``."""
    if ch in _WHITESPACE:
        return " "
    cp = ord(ch)
    # Control, format, private-use and surrogate characters are dropped;
    # unassigned code points (Cn) are kept, as the Hugging Face backend does.
    if cp == 0 or cp == 0xFFFD or unicodedata.category(ch) in _DROPPED_CATEGORIES:
        return ""
    if tokenize_chinese_chars and _is_cjk(cp):
        return f" {ch} "
    return ch


@functools.lru_cache(maxsize=65536)
def _is_punctuation(ch: str) -> bool:
    # All non-alphanumeric ASCII characters count as punctuation (``$``, ``^``,
    # ``` ` ``` are symbols in Unicode but punctuation to BERT).
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _lowercase(text: str) -> str:
    # Character by character: ``str.lower`` maps a capital sigma at the end of
    # a word to the final sigma, which is its only context-dependent rule.
    return text.replace("\u03a3", "\u03c3").lower()


def _check_text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}: {value!r:.60}")
    return value


def _check_choice(value: Any, choices: tuple[Any, ...], name: str) -> None:
    # Booleans and None by identity (1 must not pass for True), strings by value.
    ok = any(
        value == c if isinstance(c, str) else value is c
        for c in choices
        if isinstance(c, str) == isinstance(value, str)
    )
    if not ok:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")


def _check_max_length(max_length: Any, minimum: int) -> int:
    if isinstance(max_length, bool) or not isinstance(max_length, int):
        raise TypeError(f"max_length must be an int or None, got {type(max_length).__name__}")
    if max_length < minimum:
        raise ValueError(
            f"max_length must be at least {minimum} (room for the special tokens and one "
            f"token of text), got {max_length}"
        )
    return max_length


def _read_vocab(path: str | os.PathLike) -> dict[str, int]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such vocabulary file") from None
    except IsADirectoryError:
        raise IsADirectoryError(
            f"{path}: is a folder; pass the vocab.txt file, or use from_pretrained(folder)"
        ) from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: not a UTF-8 text file ({exc.reason} at byte {exc.start})"
        ) from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    vocab: dict[str, int] = {}
    for index, line in enumerate(lines):
        token = line.rstrip("\r")
        if token in vocab:
            raise ValueError(
                f"{path}:{index + 1}: token {token!r} already on line {vocab[token] + 1}; "
                "each token must appear once (its line number is its id)"
            )
        vocab[token] = index
    if not vocab:
        raise ValueError(f"{path}: the vocabulary is empty; expected one token per line")
    return vocab


class WordPieceTokenizer:
    """BERT's WordPiece tokenizer: text to token ids and back.

    Parameters
    ----------
    vocab : mapping of str to int
        Token to id; ids must be distinct non-negative ints.  It must hold
        ``unk_token``; the other special tokens are needed only where used
        (``cls_token`` and ``sep_token`` to add special tokens, ``pad_token``
        to pad).
    lowercase : bool, default True
        Lowercase the text (an uncased model).
    strip_accents : bool or None, default None
        Remove accents (NFD, then drop the non-spacing marks); ``None`` strips
        them exactly when ``lowercase`` is true.
    tokenize_chinese_chars : bool, default True
        Put spaces around CJK ideographs, so that each is a word of its own.
    max_chars_per_word : int, default 100
        A longer word (after basic tokenization) becomes ``unk_token``.
    unk_token, cls_token, sep_token, pad_token, mask_token : str
        The special tokens.  Written in the text, they are kept whole.
    model_max_length : int, default 512
        The length that ``truncation=True`` and ``padding="max_length"``
        use when no ``max_length`` is given.

    Attributes
    ----------
    vocab : dict of str to int
        Token to id.
    ids_to_tokens : dict of int to str
        Id to token.
    unk_token_id, cls_token_id, sep_token_id, pad_token_id, mask_token_id : int or None
        The special tokens' ids (``None`` for one not in the vocabulary;
        ``unk_token_id`` is always an int).

    Raises
    ------
    TypeError
        If ``vocab`` is not a mapping of str to int, or an option has the
        wrong type.
    ValueError
        If ``unk_token`` is not in ``vocab``, two tokens share an id, an id is
        negative, or ``max_chars_per_word`` or ``model_max_length`` is not
        positive.

    See Also
    --------
    WordPieceTokenizer.from_pretrained : read a model folder (``vocab.txt``
        and ``tokenizer_config.json``).

    Examples
    --------
    >>> vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able",
    ...          "the", "cafe", ",", "!", "中", "国"]
    >>> tok = WordPieceTokenizer({t: i for i, t in enumerate(vocab)})
    >>> tok.tokenize("The unaffable CAFÉ, unknown!")
    ['the', 'un', '##aff', '##able', 'cafe', ',', '[UNK]', '!']
    >>> tok.tokenize("中国[MASK]")
    ['中', '国', '[MASK]']
    >>> tok.encode("the cafe")
    [2, 8, 9, 3]
    >>> batch = tok(["the cafe", "un"], return_tensors=None)
    >>> batch["input_ids"]
    [[2, 8, 9, 3], [2, 5, 3, 0]]
    >>> batch["attention_mask"]
    [[1, 1, 1, 1], [1, 1, 1, 0]]
    >>> tok.decode([2, 5, 6, 7, 10, 3])
    'unaffable,'
    """

    def __init__(
        self,
        vocab: Mapping[str, int],
        lowercase: bool = True,
        strip_accents: bool | None = None,
        tokenize_chinese_chars: bool = True,
        max_chars_per_word: int = 100,
        unk_token: str = "[UNK]",
        cls_token: str = "[CLS]",
        sep_token: str = "[SEP]",
        pad_token: str = "[PAD]",
        mask_token: str = "[MASK]",
        model_max_length: int = 512,
    ) -> None:
        if not isinstance(vocab, Mapping):
            raise TypeError(f"vocab must be a mapping of token to id, got {type(vocab).__name__}")
        self.vocab: dict[str, int] = {}
        self.ids_to_tokens: dict[int, str] = {}
        for token, index in vocab.items():
            if not isinstance(token, str):
                raise TypeError(f"vocab keys must be str, got {type(token).__name__}: {token!r}")
            if isinstance(index, bool) or not isinstance(index, int):
                raise TypeError(f"vocab ids must be int, got {index!r} for token {token!r}")
            if index < 0:
                raise ValueError(f"vocab ids must be >= 0, got {index} for token {token!r}")
            if index in self.ids_to_tokens:
                raise ValueError(
                    f"vocab id {index} is given to both {self.ids_to_tokens[index]!r} and {token!r}"
                )
            self.vocab[token] = index
            self.ids_to_tokens[index] = token
        flags = {"lowercase": lowercase, "tokenize_chinese_chars": tokenize_chinese_chars}
        for name, value in flags.items():
            if not isinstance(value, bool):
                raise TypeError(f"{name} must be a bool, got {value!r}")
        if strip_accents is not None and not isinstance(strip_accents, bool):
            raise TypeError(f"strip_accents must be a bool or None, got {strip_accents!r}")
        sizes = {"max_chars_per_word": max_chars_per_word, "model_max_length": model_max_length}
        for name, value in sizes.items():
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, got {value!r}")
            if value < 1:
                raise ValueError(f"{name} must be >= 1, got {value}")
        specials = {
            "unk_token": unk_token,
            "cls_token": cls_token,
            "sep_token": sep_token,
            "pad_token": pad_token,
            "mask_token": mask_token,
        }
        for name, value in specials.items():
            if not isinstance(value, str) or not value:
                raise TypeError(f"{name} must be a non-empty str, got {value!r}")
        if unk_token not in self.vocab:
            raise ValueError(
                f"the unknown token {unk_token!r} is not in the vocabulary; add it, or pass "
                "unk_token= with the vocabulary's spelling"
            )
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self.tokenize_chinese_chars = tokenize_chinese_chars
        self.max_chars_per_word = max_chars_per_word
        self.model_max_length = model_max_length
        self.unk_token = unk_token
        self.cls_token = cls_token
        self.sep_token = sep_token
        self.pad_token = pad_token
        self.mask_token = mask_token
        self.unk_token_id: int = self.vocab[unk_token]
        self.cls_token_id: int | None = self.vocab.get(cls_token)
        self.sep_token_id: int | None = self.vocab.get(sep_token)
        self.pad_token_id: int | None = self.vocab.get(pad_token)
        self.mask_token_id: int | None = self.vocab.get(mask_token)
        # Special tokens in the vocabulary are matched in the raw text, the
        # longest first, before any normalization.
        self.all_special_tokens = [t for t in dict.fromkeys(specials.values()) if t in self.vocab]
        longest_first = sorted(self.all_special_tokens, key=len, reverse=True)
        pattern = "|".join(re.escape(t) for t in longest_first)
        self._special_re = re.compile(f"({pattern})")
        self._special_ids = frozenset(self.vocab[t] for t in self.all_special_tokens)
        self._longest_token = max(map(len, self.vocab), default=0)

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_file(cls, vocab_path: str | os.PathLike, **kwargs: Any) -> WordPieceTokenizer:
        """Read a ``vocab.txt``: one token per line, its id the line number from 0.

        Parameters
        ----------
        vocab_path : str or os.PathLike
            The vocabulary file (UTF-8).
        **kwargs
            The other arguments of :class:`WordPieceTokenizer`.

        Returns
        -------
        WordPieceTokenizer

        Raises
        ------
        FileNotFoundError
            If the file does not exist.
        ValueError
            If the file is empty, not UTF-8, repeats a token, or lacks the
            unknown token (the message names the file).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = pathlib.Path(folder, "vocab.txt")
        ...     _ = path.write_text("[PAD]\\n[UNK]\\nhello\\n", encoding="utf-8")
        ...     tok = WordPieceTokenizer.from_file(path)
        >>> tok.tokenize("Hello, hi")
        ['hello', '[UNK]', '[UNK]']
        """
        vocab = _read_vocab(vocab_path)
        unk_token = kwargs.get("unk_token", "[UNK]")
        if unk_token not in vocab:
            raise ValueError(
                f"{vocab_path}: the unknown token {unk_token!r} is not in the vocabulary; "
                "add it as a line of its own, or pass unk_token= with the file's spelling"
            )
        return cls(vocab, **kwargs)

    @classmethod
    def from_pretrained(cls, folder: str | os.PathLike, **kwargs: Any) -> WordPieceTokenizer:
        """Read a model folder: ``vocab.txt`` and, if present, ``tokenizer_config.json``.

        From the config it takes ``do_lower_case``, ``strip_accents``,
        ``tokenize_chinese_chars``, ``model_max_length`` and the special
        tokens; keyword arguments override them.  Nothing is downloaded.

        Parameters
        ----------
        folder : str or os.PathLike
            A local folder, such as a Hugging Face model snapshot.
        **kwargs
            Arguments of :class:`WordPieceTokenizer`, which win over the config.

        Returns
        -------
        WordPieceTokenizer

        Raises
        ------
        FileNotFoundError
            If ``folder`` or ``folder/vocab.txt`` does not exist.
        ValueError
            If ``tokenizer_config.json`` is not a JSON object, or the
            vocabulary is unusable (see :meth:`from_file`).

        Examples
        --------
        >>> import json, tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     _ = pathlib.Path(folder, "vocab.txt").write_text("[UNK]\\nHi\\nhi\\n")
        ...     _ = pathlib.Path(folder, "tokenizer_config.json").write_text(
        ...         json.dumps({"do_lower_case": False}))
        ...     tok = WordPieceTokenizer.from_pretrained(folder)
        >>> tok.lowercase, tok.tokenize("Hi hi")
        (False, ['Hi', 'hi'])
        """
        folder = Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder}: no such folder (expected a folder with vocab.txt)")
        vocab_path = folder / "vocab.txt"
        if not vocab_path.is_file():
            raise FileNotFoundError(
                f"{vocab_path}: no such file; a WordPiece model folder has a vocab.txt"
            )
        options: dict[str, Any] = {}
        config_path = folder / "tokenizer_config.json"
        if config_path.is_file():
            try:
                config = json.loads(config_path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise ValueError(f"{config_path}: not valid JSON ({exc})") from None
            if not isinstance(config, dict):
                raise ValueError(
                    f"{config_path}: expected a JSON object, got {type(config).__name__}"
                )
            renames = {
                "do_lower_case": "lowercase",
                "strip_accents": "strip_accents",
                "tokenize_chinese_chars": "tokenize_chinese_chars",
            }
            for key, name in renames.items():
                if key in config:
                    options[name] = config[key]
            max_len = config.get("model_max_length")
            # Hugging Face writes a huge sentinel (int(1e30)) for "no limit".
            if isinstance(max_len, int) and not isinstance(max_len, bool) and 0 < max_len < 10**9:
                options["model_max_length"] = max_len
            for name in ("unk_token", "cls_token", "sep_token", "pad_token", "mask_token"):
                value = config.get(name)
                if isinstance(value, dict):  # a serialized AddedToken
                    value = value.get("content")
                if isinstance(value, str) and value:
                    options[name] = value
        options.update(kwargs)
        return cls.from_file(vocab_path, **options)

    # ------------------------------------------------------------- tokenizing

    def __len__(self) -> int:
        return len(self.vocab)

    @property
    def vocab_size(self) -> int:
        """The number of tokens in the vocabulary."""
        return len(self.vocab)

    def __repr__(self) -> str:
        return (
            f"WordPieceTokenizer(vocab_size={len(self.vocab)}, lowercase={self.lowercase}, "
            f"model_max_length={self.model_max_length})"
        )

    def _segments(self, text: str) -> list[tuple[str, bool]]:
        """Split ``text`` around the special tokens written in it: ``(piece, is_special)``."""
        if not self.all_special_tokens:
            return [(text, False)]
        parts = self._special_re.split(text)
        # re.split with one group alternates: text, special, text, special, ..., text
        return [(part, i % 2 == 1) for i, part in enumerate(parts) if part]

    def _basic(self, text: str) -> list[str]:
        """Basic tokenization of text that holds no special token."""
        chinese = self.tokenize_chinese_chars
        text = "".join([_clean_char(ch, chinese) for ch in text])
        strip = self.lowercase if self.strip_accents is None else self.strip_accents
        if strip:
            text = _strip_accents(text)
        if self.lowercase:
            text = _lowercase(text)
        words: list[str] = []
        for word in text.split(" "):
            if not word:
                continue
            if word.isalnum():  # the common case: no punctuation inside
                words.append(word)
                continue
            start = 0
            for i, ch in enumerate(word):
                if _is_punctuation(ch):
                    if start < i:
                        words.append(word[start:i])
                    words.append(ch)
                    start = i + 1
            if start < len(word):
                words.append(word[start:])
        return words

    def basic_tokenize(self, text: str) -> list[str]:
        """Split text into words: clean, split CJK, strip accents, lowercase, split punctuation.

        Special tokens written in the text stay whole words.

        Parameters
        ----------
        text : str

        Returns
        -------
        list of str
            The words, before WordPiece.

        Raises
        ------
        TypeError
            If ``text`` is not a str.

        Examples
        --------
        >>> tok = WordPieceTokenizer({"[UNK]": 0, "[SEP]": 1})
        >>> tok.basic_tokenize(" Héllo,\\tWORLD!\\x00 中文[SEP]")
        ['hello', ',', 'world', '!', '中', '文', '[SEP]']
        """
        _check_text(text, "text")
        words: list[str] = []
        for piece, special in self._segments(text):
            if special:
                words.append(piece)
            else:
                words.extend(self._basic(piece))
        return words

    def wordpiece(self, word: str) -> list[str]:
        """Split one word into the longest vocabulary entries, left to right.

        Parameters
        ----------
        word : str
            One word from :meth:`basic_tokenize`.

        Returns
        -------
        list of str
            The pieces, the ones after the first prefixed with ``##``; or
            ``[unk_token]`` if the word cannot be split that way or has more
            than ``max_chars_per_word`` characters.

        Raises
        ------
        TypeError
            If ``word`` is not a str.

        Examples
        --------
        >>> tok = WordPieceTokenizer({"[UNK]": 0, "un": 1, "##aff": 2, "##able": 3})
        >>> tok.wordpiece("unaffable")
        ['un', '##aff', '##able']
        >>> tok.wordpiece("unaffordable")
        ['[UNK]']
        """
        _check_text(word, "word")
        if len(word) > self.max_chars_per_word:
            return [self.unk_token]
        vocab = self.vocab
        pieces: list[str] = []
        start, n = 0, len(word)
        while start < n:
            end = min(n, start + self._longest_token)
            while end > start:
                piece = word[start:end] if start == 0 else SUBWORD_PREFIX + word[start:end]
                if piece in vocab:
                    pieces.append(piece)
                    break
                end -= 1
            else:
                return [self.unk_token]
            start = end
        return pieces

    def tokenize(self, text: str) -> list[str]:
        """Split text into WordPiece tokens (no special tokens added).

        Parameters
        ----------
        text : str

        Returns
        -------
        list of str

        Raises
        ------
        TypeError
            If ``text`` is not a str.

        Examples
        --------
        >>> tok = WordPieceTokenizer({"[UNK]": 0, "un": 1, "##aff": 2, "##able": 3})
        >>> tok.tokenize("UNAFFABLE unable unaffordable")
        ['un', '##aff', '##able', 'un', '##able', '[UNK]']
        """
        _check_text(text, "text")
        tokens: list[str] = []
        for piece, special in self._segments(text):
            if special:
                tokens.append(piece)
                continue
            for word in self._basic(piece):
                tokens.extend(self.wordpiece(word))
        return tokens

    def convert_tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        """Map tokens to ids; a token not in the vocabulary maps to ``unk_token_id``.

        Parameters
        ----------
        tokens : sequence of str

        Returns
        -------
        list of int

        Raises
        ------
        TypeError
            If ``tokens`` is a str or holds a non-str.

        Examples
        --------
        >>> tok = WordPieceTokenizer({"[UNK]": 0, "hi": 1})
        >>> tok.convert_tokens_to_ids(["hi", "ho"])
        [1, 0]
        """
        if isinstance(tokens, str):
            raise TypeError("tokens must be a sequence of str, got a str; wrap it in a list")
        unk, vocab = self.unk_token_id, self.vocab
        ids = []
        for token in tokens:
            _check_text(token, "each token")
            ids.append(vocab.get(token, unk))
        return ids

    def convert_ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        """Map ids to tokens.

        Parameters
        ----------
        ids : sequence of int, or a 1-D tensor or array

        Returns
        -------
        list of str

        Raises
        ------
        ValueError
            If an id is not in the vocabulary.

        Examples
        --------
        >>> tok = WordPieceTokenizer({"[UNK]": 0, "hi": 1})
        >>> tok.convert_ids_to_tokens([1, 0])
        ['hi', '[UNK]']
        """
        out = []
        for index in self._as_id_list(ids):
            try:
                out.append(self.ids_to_tokens[index])
            except KeyError:
                raise ValueError(
                    f"id {index} is not in the vocabulary ({len(self.vocab)} tokens)"
                ) from None
        return out

    @staticmethod
    def _as_id_list(ids: Any) -> list[int]:
        if hasattr(ids, "tolist"):  # torch tensor or numpy array
            ids = ids.tolist()
        if isinstance(ids, int) or not isinstance(ids, Sequence) or isinstance(ids, str):
            raise TypeError(f"ids must be a sequence of int, got {type(ids).__name__}")
        for index in ids:
            if isinstance(index, bool) or not isinstance(index, int):
                raise TypeError(f"ids must be ints, got {index!r}")
        return list(ids)

    # --------------------------------------------------------------- encoding

    def _require(self, token_id: int | None, token: str, why: str) -> int:
        if token_id is None:
            raise ValueError(f"{why} needs the token {token!r}, which is not in the vocabulary")
        return token_id

    def _truncate(
        self, ids_a: list[int], ids_b: list[int] | None, room: int
    ) -> tuple[list[int], list[int] | None]:
        """Cut to ``room`` tokens in all, Hugging Face's ``longest_first`` way."""
        if ids_b is None:
            return ids_a[:room], None
        n_a, n_b = len(ids_a), len(ids_b)
        if n_a + n_b <= room:
            return ids_a, ids_b
        # The shorter keeps its length if the longer can keep at least as
        # many; otherwise both get half, the longer one the odd token.
        short, long_ = min(n_a, n_b), max(n_a, n_b)
        long_ = short if short > room else max(short, room - short)
        if short + long_ > room:
            short = room // 2
            long_ = short + room % 2
        keep_a, keep_b = (short, long_) if n_a <= n_b else (long_, short)
        return ids_a[:keep_a], ids_b[:keep_b]

    def _encode_pair(
        self,
        text: str,
        text_pair: str | None,
        add_special_tokens: bool,
        max_length: int | None,
    ) -> tuple[list[int], list[int]]:
        """``(input_ids, token_type_ids)`` of one text or pair; truncated if ``max_length``."""
        ids_a = self.convert_tokens_to_ids(self.tokenize(text))
        ids_b = None if text_pair is None else self.convert_tokens_to_ids(self.tokenize(text_pair))
        if add_special_tokens:
            cls_id = self._require(self.cls_token_id, self.cls_token, "add_special_tokens=True")
            sep_id = self._require(self.sep_token_id, self.sep_token, "add_special_tokens=True")
        n_special = (2 if ids_b is None else 3) if add_special_tokens else 0
        if max_length is not None:
            ids_a, ids_b = self._truncate(ids_a, ids_b, max_length - n_special)
        if not add_special_tokens:
            ids = ids_a + (ids_b or [])
            return ids, [0] * len(ids_a) + [1] * len(ids_b or [])
        ids = [cls_id, *ids_a, sep_id]
        types = [0] * len(ids)
        if ids_b is not None:
            ids += [*ids_b, sep_id]
            types += [1] * (len(ids_b) + 1)
        return ids, types

    def _resolve_max_length(
        self, max_length: int | None, used: bool, pair: bool, add_special_tokens: bool
    ) -> int | None:
        if max_length is None:
            return self.model_max_length if used else None
        if not used:
            raise ValueError(
                f"max_length={max_length!r} has no effect here; pass truncation=True to cut "
                "sequences to it (or padding='max_length' to pad to it)"
            )
        minimum = (3 if pair else 2) if add_special_tokens else 1
        return _check_max_length(max_length, minimum)

    def encode(
        self,
        text: str,
        text_pair: str | None = None,
        add_special_tokens: bool = True,
        max_length: int | None = None,
        truncation: bool = False,
    ) -> list[int]:
        """Token ids of one text, or of a pair: ``[CLS] text [SEP] text_pair [SEP]``.

        Parameters
        ----------
        text : str
        text_pair : str, optional
            A second text (segment B).
        add_special_tokens : bool, default True
            Add ``[CLS]`` and ``[SEP]``.
        max_length : int, optional
            The most ids to return, special tokens included; used only with
            ``truncation=True`` (default ``model_max_length``).
        truncation : bool, default False
            Cut the text to ``max_length``; a pair loses tokens from its
            longer text first.

        Returns
        -------
        list of int

        Raises
        ------
        TypeError
            If ``text`` or ``text_pair`` is not a str.
        ValueError
            If ``max_length`` is given without ``truncation``, or leaves no
            room for one token of text beside the special tokens.

        Examples
        --------
        >>> tok = WordPieceTokenizer({"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "a": 3, "b": 4})
        >>> tok.encode("a a b", "b")
        [1, 3, 3, 4, 2, 4, 2]
        >>> tok.encode("a a a a a", truncation=True, max_length=4)
        [1, 3, 3, 2]
        """
        _check_text(text, "text")
        if text_pair is not None:
            _check_text(text_pair, "text_pair")
        _check_choice(truncation, _TRUNCATION_CHOICES, "truncation")
        truncate = truncation not in (False, "do_not_truncate")
        pair = text_pair is not None
        max_length = self._resolve_max_length(max_length, truncate, pair, add_special_tokens)
        return self._encode_pair(text, text_pair, add_special_tokens, max_length)[0]

    def __call__(
        self,
        texts: str | Sequence[str],
        text_pairs: str | Sequence[str] | None = None,
        padding: bool | str = True,
        truncation: bool | str = False,
        max_length: int | None = None,
        return_tensors: str | None = "pt",
        add_special_tokens: bool = True,
    ) -> dict[str, Any]:
        """Encode a batch: ids, segment ids and attention masks, padded on the right.

        Parameters
        ----------
        texts : str or sequence of str
            One text, or a batch.
        text_pairs : str or sequence of str, optional
            The second texts, one per text.
        padding : bool or {"longest", "max_length", "do_not_pad"}, default True
            ``True``/``"longest"`` pads to the longest sequence of the batch,
            ``"max_length"`` to ``max_length`` (default ``model_max_length``),
            ``False``/``"do_not_pad"`` not at all.
        truncation : bool or "longest_first", default False
            Cut each sequence to ``max_length`` (default ``model_max_length``),
            special tokens included; a pair loses tokens from its longer text
            first.
        max_length : int, optional
            Used by truncation and by ``padding="max_length"``.
        return_tensors : {"pt", "np", None}, default "pt"
            ``"pt"``: ``torch.long`` tensors of shape (batch, length);
            ``"np"``: int64 arrays; ``None``: lists (of lists for a batch,
            flat for a single str, as Hugging Face does).
        add_special_tokens : bool, default True
            Add ``[CLS]`` and ``[SEP]``.

        Returns
        -------
        dict
            ``input_ids``, ``token_type_ids`` (0 for the first text, 1 for
            the second) and ``attention_mask`` (1 for tokens, 0 for padding).

        Raises
        ------
        TypeError
            If a text is not a str.
        ValueError
            If the batch is empty, ``text_pairs`` has another length, an
            option is not one of its choices, ``max_length`` is too small or
            has nothing to do, a sequence is longer than the
            ``padding="max_length"`` target, sequences of different lengths
            are to become one tensor, or torch is needed and missing.

        Examples
        --------
        >>> tok = WordPieceTokenizer({"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "hi": 4})
        >>> tok(["hi", "hi hi"], return_tensors=None)["input_ids"]
        [[2, 4, 3, 0], [2, 4, 4, 3]]
        >>> tok("hi", "hi", return_tensors=None)["token_type_ids"]
        [0, 0, 0, 1, 1]
        >>> tok(["hi"], padding="max_length", max_length=5, return_tensors=None)["attention_mask"]
        [[1, 1, 1, 0, 0]]
        """
        single = isinstance(texts, str)
        batch = self._as_batch(texts, "texts")
        pairs = None
        if text_pairs is not None:
            if isinstance(text_pairs, str) != single:
                raise TypeError(
                    "texts and text_pairs must both be a str or both be sequences of str"
                )
            pairs = self._as_batch(text_pairs, "text_pairs")
            if len(pairs) != len(batch):
                raise ValueError(f"text_pairs has {len(pairs)} texts but texts has {len(batch)}")
        _check_choice(padding, _PADDING_CHOICES, "padding")
        _check_choice(truncation, _TRUNCATION_CHOICES, "truncation")
        _check_choice(return_tensors, _TENSOR_CHOICES, "return_tensors")
        truncate = truncation not in (False, "do_not_truncate")
        pad_to_max = padding == "max_length"
        max_length = self._resolve_max_length(
            max_length, truncate or pad_to_max, pairs is not None, add_special_tokens
        )

        ids_list, types_list = [], []
        for i, text in enumerate(batch):
            pair = None if pairs is None else pairs[i]
            cut = max_length if truncate else None
            ids, types = self._encode_pair(text, pair, add_special_tokens, cut)
            ids_list.append(ids)
            types_list.append(types)
        lengths = [len(ids) for ids in ids_list]

        if padding in (False, "do_not_pad"):
            target = None
        elif pad_to_max:
            too_long = [i for i, n in enumerate(lengths) if n > max_length]
            if too_long:
                i = too_long[0]
                raise ValueError(
                    f"sequence {i} has {lengths[i]} tokens, more than max_length={max_length}; "
                    "pass truncation=True to cut it"
                )
            target = max_length
        else:
            target = max(lengths)
        masks = [[1] * n for n in lengths]
        if target is not None:
            pad_id = None
            for ids, types, mask in zip(ids_list, types_list, masks):
                missing = target - len(ids)
                if missing > 0:
                    if pad_id is None:
                        pad_id = self._require(self.pad_token_id, self.pad_token, "padding")
                    ids.extend([pad_id] * missing)
                    types.extend([0] * missing)
                    mask.extend([0] * missing)
        out = {"input_ids": ids_list, "token_type_ids": types_list, "attention_mask": masks}
        if return_tensors is None:
            return {k: v[0] for k, v in out.items()} if single else out
        if len(set(map(len, ids_list))) > 1:
            raise ValueError(
                f"the sequences have different lengths {sorted(set(map(len, ids_list)))}, which "
                "cannot make one tensor; pass padding=True, or return_tensors=None"
            )
        if return_tensors == "np":
            import numpy as np

            return {k: np.asarray(v, dtype=np.int64).reshape(len(v), -1) for k, v in out.items()}
        try:
            import torch
        except ImportError:
            raise ValueError(
                "return_tensors='pt' needs torch (install the neural extra), "
                "or pass return_tensors=None"
            ) from None
        return {k: torch.tensor(v, dtype=torch.long).reshape(len(v), -1) for k, v in out.items()}

    @staticmethod
    def _as_batch(texts: Any, name: str) -> list[str]:
        if isinstance(texts, str):
            return [texts]
        if not isinstance(texts, Sequence):
            raise TypeError(
                f"{name} must be a str or a sequence of str, got {type(texts).__name__}"
            )
        if len(texts) == 0:
            raise ValueError(f"{name} is empty; pass at least one text")
        for i, text in enumerate(texts):
            _check_text(text, f"{name}[{i}]")
        return list(texts)

    # --------------------------------------------------------------- decoding

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = True) -> str:
        """Turn ids back into text: pieces joined, ``##`` continuations glued on.

        The text is the normalized one (lowercased, accents stripped) and
        ``[UNK]`` cannot be undone.  Like the Hugging Face decoder, no space
        is put before ``.``, ``,``, ``?`` and ``!``.

        Parameters
        ----------
        ids : sequence of int, or a 1-D tensor or array
        skip_special_tokens : bool, default True
            Leave out the special tokens (padding included).

        Returns
        -------
        str

        Raises
        ------
        ValueError
            If an id is not in the vocabulary.

        Examples
        --------
        >>> tok = WordPieceTokenizer({"[UNK]": 0, "[PAD]": 1, "un": 2, "##able": 3, "!": 4})
        >>> tok.decode([2, 3, 4, 1, 1])
        'unable!'
        """
        ids = self._as_id_list(ids)
        if skip_special_tokens:
            ids = [i for i in ids if i not in self._special_ids]
        pieces = []
        for i, token in enumerate(self.convert_ids_to_tokens(ids)):
            if i > 0:
                if token.startswith(SUBWORD_PREFIX):
                    token = token[len(SUBWORD_PREFIX) :]
                else:
                    token = " " + token
            for dirty, clean in _CLEANUP:
                token = token.replace(dirty, clean)
            pieces.append(token)
        return "".join(pieces)
