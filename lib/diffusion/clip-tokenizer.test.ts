import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Tokenizer } from "@huggingface/tokenizers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiffusionTokenizer, parseMergesTxt } from "./clip-tokenizer";
import { mergesTxtText, vocabJsonText } from "../../tools/fixtures/diffusion/tiny-clip-vocab";
import { clipVocabAndMerges } from "../../tools/fixtures/clip/clip-vocab";

const CLIP_TOKENIZER_JSON = fileURLToPath(new URL("../../fixtures/clip-tiny/tokenizer.json", import.meta.url));
const FIXTURE_TOKENIZER = fileURLToPath(new URL("../../fixtures/diffusion-tiny/tokenizer", import.meta.url));
const PROMPTS = [
  "a red square",
  "A green vase filled with red roses sitting on top of table",
  "two cats, one dog and 3 birds!",
  "  café   déjà-vu   ",
  "an <|endoftext|> inside",
];

const dirs: string[] = [];
function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sd-tokenizer-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

let fullVocab: string;
let fullMerges: string;
beforeAll(() => {
  const { vocab, merges } = clipVocabAndMerges();
  fullVocab = vocabJsonText(Object.entries(vocab));
  fullMerges = mergesTxtText(merges);
});

describe("DiffusionTokenizer from vocab.json + merges.txt", () => {
  it("tokenizes the real CLIP vocabulary exactly like the CLIP tokenizer.json", async () => {
    const tok = await DiffusionTokenizer.fromFolder(tempDir({ "vocab.json": fullVocab, "merges.txt": fullMerges }));
    const reference = new Tokenizer(JSON.parse(fs.readFileSync(CLIP_TOKENIZER_JSON, "utf8")), {});
    for (const p of PROMPTS) {
      const ref = reference.encode(p, { add_special_tokens: false }).ids;
      const ours = tok.encode(p);
      expect(ours.ids.slice(1, ours.length - 1)).toEqual(ref);
    }
    expect(tok.encode("a red square").ids.slice(0, 6)).toEqual([49406, 320, 736, 3999, 49407, 49407]);
  });

  it("pads to 77 with the pad token and keeps <|endoftext|> when truncating", async () => {
    const tok = await DiffusionTokenizer.fromFolder(tempDir({ "vocab.json": fullVocab, "merges.txt": fullMerges }));
    const short = tok.encode("a red square");
    expect(short.ids.length).toBe(77);
    expect(short.length).toBe(5);
    expect(short.truncated).toBe(false);
    const long = tok.encode(Array.from({ length: 100 }, (_, i) => `word${i}`).join(" "));
    expect(long.ids.length).toBe(77);
    expect(long.length).toBe(77);
    expect(long.truncated).toBe(true);
    expect(long.ids[0]).toBe(49406);
    expect(long.ids[76]).toBe(49407);
  });

  it("pads with the tokenizer_config's pad token (SD 2.x pads with '!'), also in AddedToken form", async () => {
    const plain = await DiffusionTokenizer.fromFolder(
      tempDir({
        "vocab.json": fullVocab,
        "merges.txt": fullMerges,
        "tokenizer_config.json": JSON.stringify({ pad_token: "!" }),
      }),
    );
    expect(plain.padId).toBe(0);
    expect(plain.encode("dog").ids.at(-1)).toBe(0);
    const added = await DiffusionTokenizer.fromFolder(
      tempDir({
        "vocab.json": fullVocab,
        "merges.txt": fullMerges,
        "tokenizer_config.json": JSON.stringify({ pad_token: { __type: "AddedToken", content: "!" } }),
      }),
    );
    expect(added.padId).toBe(0);
  });

  it("reads the committed fixture's cut-down vocabulary", async () => {
    const tok = await DiffusionTokenizer.fromFolder(FIXTURE_TOKENIZER);
    const e = tok.encode("a red square");
    expect(e.ids[0]).toBe(tok.bosId);
    expect(e.ids[e.length - 1]).toBe(tok.eosId);
    expect(tok.padId).toBe(tok.eosId);
    expect(e.ids.every((id) => id <= tok.eosId)).toBe(true);
  });

  it("says what is missing", async () => {
    await expect(DiffusionTokenizer.fromFolder(tempDir({ "vocab.json": fullVocab }))).rejects.toThrow(
      /vocab.json \+ merges.txt/,
    );
    await expect(DiffusionTokenizer.fromFolder(tempDir({ "vocab.json": "{", "merges.txt": "" }))).rejects.toThrow(
      /not valid JSON/,
    );
    await expect(
      DiffusionTokenizer.fromFolder(
        tempDir({ "vocab.json": JSON.stringify({ a: 0 }), "merges.txt": "#version: 0.2\n" }),
      ),
    ).rejects.toThrow(/<\|startoftext\|>/);
  });
});

describe("parseMergesTxt", () => {
  it("drops the version header and blank lines", () => {
    expect(parseMergesTxt("#version: 0.2\ni n\nt h</w>\n\n")).toEqual(["i n", "t h</w>"]);
    expect(parseMergesTxt("i n\r\nt h\r\n")).toEqual(["i n", "t h"]);
  });
});
