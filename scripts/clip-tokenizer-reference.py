#!/usr/bin/env python3
"""OpenAI CLIP's tokenizer (clip/simple_tokenizer.py + clip.tokenize), rewritten independently of
this project's TypeScript, to derive the expected token ids that lib/clip/tokenizer.test.ts checks.

Usage: clip-tokenizer-reference.py TOKENIZER_JSON > tests/fixtures/clip-tokens.json
   or: clip-tokenizer-reference.py --help

Reads the vocabulary and merges from a tokenizer.json (e.g. fixtures/clip-tiny/tokenizer.json,
which holds the real CLIP BPE tables) and prints {"cases": [{"text", "ids"}]} for the CASES below,
with <|startoftext|> ... <|endoftext|> around each, untruncated. Follows openai/CLIP exactly:
basic_clean (ftfy.fix_text, then html.unescape twice, strip), whitespace_clean (re \\s+ -> " ",
strip), lower(), then the token pattern (special tokens first, so they match after lowercasing),
UTF-8 bytes -> bytes_to_unicode, BPE. ftfy is not installed here and its text repairs are not
reproduced; only its default NFC normalisation is applied (what fix_text does to text that needs
no repair). The `regex` module is not needed: the pattern is matched by a hand-written scanner
using unicodedata categories (\\p{L} = category L*, \\p{N} = category N*).
Needs only the Python 3 standard library.
"""
import html
import json
import re
import sys
import unicodedata

CASES = [
    "a red square",
    "A Red  Square",
    "<|ENDOFTEXT|>",
    "<|EndOfText|> shouting",
    "a photo <|endoftext|> of a cat",
    "<|startoftext|>a dog",
    "a <|STARTOFTEXT|> b <|endoftext|><|endoftext|> c",
    "<|endoftext",
    "\ufeffa red square",
    "a\ufeffb",
    "a\x1cb\x1fc",
    "a\x85b",
    "no-break\u00a0space and\u3000ideographic",
    "&amp;lt;b&amp;gt; bold",
    "&eacute;t&eacute; and &eacute without semicolon",
    "&#128; euro and &#0; null",
    "e\u0301 combining accent",
    "\u0130stanbul stra\u00dfe \u03a3\u038a\u03a3\u03a5\u03a6\u039f\u03a3",
    "Hello, world!!! It's 2024.",
    "don't YOU'LL we've !'s",
    "emoji \U0001f436\U0001f680 and \u2764\ufe0f",
    "\u4e2d\u6587 \u65e5\u672c\u8a9e",
    "  leading and trailing  ",
    "",
]

SPECIALS = ["<|startoftext|>", "<|endoftext|>"]
CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"]


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def is_letter(c):
    return unicodedata.category(c).startswith("L")


def is_number(c):
    return unicodedata.category(c).startswith("N")


def find_tokens(text):
    """re.findall of CLIP's pattern, alternatives tried in order at each position."""
    out, i = [], 0
    while i < len(text):
        lowered = text[i:].lower()  # the pattern is compiled with re.IGNORECASE
        hit = next((s for s in SPECIALS + CONTRACTIONS if lowered.startswith(s)), None)
        if hit is not None:
            j = i + len(hit)
        elif is_letter(text[i]):
            j = i + 1
            while j < len(text) and is_letter(text[j]):
                j += 1
        elif is_number(text[i]):
            j = i + 1
        elif not text[i].isspace():
            j = i + 1
            while j < len(text) and not (text[j].isspace() or is_letter(text[j]) or is_number(text[j])):
                j += 1
        else:
            i += 1
            continue
        out.append(text[i:j])
        i = j
    return out


class SimpleTokenizer:
    def __init__(self, tokenizer_json):
        model = tokenizer_json["model"]
        self.encoder = model["vocab"]
        merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
        self.bpe_ranks = dict(zip(merges, range(len(merges))))
        self.byte_encoder = bytes_to_unicode()
        self.cache = {s: s for s in SPECIALS}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        pairs = {(a, b) for a, b in zip(word, word[1:])}
        if not pairs:
            return token + "</w>"
        while True:
            bigram = min(pairs, key=lambda p: self.bpe_ranks.get(p, float("inf")))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word, i = [], 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                except ValueError:
                    new_word.extend(word[i:])
                    break
                new_word.extend(word[i:j])
                i = j
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = {(a, b) for a, b in zip(word, word[1:])}
        result = " ".join(word)
        self.cache[token] = result
        return result

    def encode(self, text):
        text = unicodedata.normalize("NFC", text)  # the part of ftfy.fix_text reproduced
        text = html.unescape(html.unescape(text)).strip()
        text = re.sub(r"\s+", " ", text).strip().lower()
        ids = []
        for token in find_tokens(text):
            token = "".join(self.byte_encoder[b] for b in token.encode("utf-8"))
            ids.extend(self.encoder[t] for t in self.bpe(token).split(" "))
        return [self.encoder["<|startoftext|>"]] + ids + [self.encoder["<|endoftext|>"]]


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) == 2 else 2)
    with open(sys.argv[1], encoding="utf-8") as f:
        tok = SimpleTokenizer(json.load(f))
    cases = [{"text": t, "ids": tok.encode(t)} for t in CASES]
    json.dump({"generatedBy": "python3 scripts/clip-tokenizer-reference.py fixtures/clip-tiny/tokenizer.json", "cases": cases}, sys.stdout, ensure_ascii=True, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
