// The project's CLIP tokenizer against openai/CLIP's, reimplemented independently in Python
// (scripts/fixtures/clip-tokenizer-reference.py; tests/fixtures/clip-tokens.json is its output, regenerated
// with the command it records), plus the reference behaviours the issue names, written by hand.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClipEvaluator } from "./evaluator";
import { FIXTURE_MODEL_DIR } from "./resolve-model";
import type { ClipTokenizer } from "./tokenizer";

type Expected = { generatedBy: string; cases: { text: string; ids: number[] }[] };
const expected = JSON.parse(fs.readFileSync(path.resolve("tests/fixtures/clip-tokens.json"), "utf8")) as Expected;

let ev: ClipEvaluator;
let tok: ClipTokenizer;
beforeAll(async () => {
  ev = await ClipEvaluator.load(FIXTURE_MODEL_DIR, { batchSize: 4, threads: 1 });
  tok = ev.tokenizer;
});
afterAll(async () => {
  await ev.release();
});

const SOT = 49406;
const EOT = 49407;

describe("ClipTokenizer against openai/CLIP's simple_tokenizer", () => {
  it.each(expected.cases.map((c) => [JSON.stringify(c.text), c] as const))("encodes %s like the reference", (_, c) => {
    expect(tok.encode(c.text).ids).toEqual(c.ids);
  });

  it("reads <|ENDOFTEXT|> in any case as the end-of-text token (the reference lowercases first)", () => {
    expect(tok.encode("<|ENDOFTEXT|>").ids).toEqual([SOT, EOT, EOT]);
    expect(tok.encode("<|EndOfText|>").ids).toEqual([SOT, EOT, EOT]);
  });

  it("keeps literal special tokens typed into a prompt", () => {
    // a = 320, photo = 1125, of = 539, cat = 2368 (tokenizer.json vocabulary, "a</w>" etc.)
    expect(tok.encode("a photo <|endoftext|> of a cat").ids).toEqual([SOT, 320, 1125, EOT, 539, 320, 2368, EOT]);
    expect(tok.encode("<|startoftext|>a").ids).toEqual([SOT, SOT, 320, EOT]);
  });

  it("keeps a leading U+FEFF as its UTF-8 bytes EF BB BF (not whitespace to Python)", () => {
    // bytes_to_unicode: 0xEF → "ï", 0xBB → "»", 0xBF → "¿"; "ï" = 171, "»" = 119, "¿</w>" = 379.
    expect(tok.encode("\ufeffa").ids).toEqual([SOT, 171, 119, 379, 320, EOT]);
    expect(tok.encode("\ufeffa").ids).not.toEqual(tok.encode("a").ids);
  });

  it("treats Python's whitespace as whitespace (U+001C–U+001F, U+0085) and html-unescapes twice", () => {
    expect(tok.encode("a\x1cb\x85c").ids).toEqual(tok.encode("a b c").ids);
    expect(tok.encode("&amp;lt;b&amp;gt;").ids).toEqual(tok.encode("<b>").ids);
  });

  it("keeps end-of-text last when truncating a prompt that contains a literal one", () => {
    const long = `${"word ".repeat(40)}<|endoftext|> ${"more ".repeat(60)}`;
    const enc = tok.encode(long);
    expect(enc.ids).toHaveLength(77);
    expect(enc.ids[41]).toBe(EOT);
    expect(enc.ids.at(-1)).toBe(EOT);
    expect(enc.truncated).toBe(true);
  });
});

describe("pooling with a literal end-of-text", () => {
  it("pools at the first end-of-text like CLIP: words after it do not change the embedding", async () => {
    const [cut, plain, other] = await ev.embedTexts(["a photo <|endoftext|> of a cat", "a photo", "a photo of a cat"]);
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
    expect(maxDiff(cut!.embedding, plain!.embedding)).toBeLessThan(1e-5);
    expect(maxDiff(cut!.embedding, other!.embedding)).toBeGreaterThan(1e-3);
  });
});
