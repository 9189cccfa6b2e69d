import { describe, expect, it } from "vitest";
import { ManifestError, parseManifest } from "./parse-manifest";

const enc = (s: string) => new TextEncoder().encode(s);
const refusal = (bytes: Uint8Array, name = "m.jsonl") => {
  try {
    parseManifest(bytes, name);
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return e as ManifestError;
  }
  throw new Error("expected the manifest to be refused");
};

describe("parseManifest", () => {
  it("reads JSONL and CSV into the same rows", () => {
    const j = parseManifest(
      enc('{"file":"a.png","prompt":"a cat","group":"g1"}\n\n{"file":"b.png","prompt":"a dog","seed":3}\n'),
      "m.jsonl",
    );
    const c = parseManifest(enc('file,prompt,group,seed\na.png,a cat,g1,\nb.png,"a dog",,3\n'), "m.csv");
    expect(j).toEqual([
      { file: "a.png", prompt: "a cat", group: "g1" },
      { file: "b.png", prompt: "a dog", seed: 3 },
    ]);
    expect(c).toEqual(j);
  });

  it("reads an empty prompt as the empty prompt in both formats, never refusing the manifest for it", () => {
    const jsonl = [
      '{"file":"a.png","prompt":"a cat"}',
      '{"file":"single.png","prompt":"","group":"empty-prompt"}',
      '{"file":"c.png","prompt_id":"p7"}',
    ].join("\n");
    const csv = 'file,prompt,group,prompt_id\na.png,a cat,,\nsingle.png,"",empty-prompt,\nc.png,,,p7\n';
    const j = parseManifest(enc(jsonl), "m.jsonl");
    expect(j).toEqual([
      { file: "a.png", prompt: "a cat" },
      { file: "single.png", prompt: "", group: "empty-prompt" },
      { file: "c.png", prompt_id: "p7" },
    ]);
    expect(parseManifest(enc(csv), "m.csv")).toEqual(j);
    // The issue's own CSV line, in a manifest with the prompt and group columns only.
    expect(parseManifest(enc('file,prompt,group\nsingle.png,"",empty-prompt\n'), "m.csv")).toEqual([
      { file: "single.png", prompt: "", group: "empty-prompt" },
    ]);
  });

  it("names the line of a malformed row", () => {
    expect(refusal(enc('{"file":"a.png","prompt":"x"}\n{"file":"b.png",\n')).line).toBe(2);
    expect(refusal(enc('{"file":"a.png","prompt":"x"}\n{"file":"b.png"}\n')).message).toMatch(/line 2: needs a prompt/);
    expect(refusal(enc('{"file":"a.png","prompt":"x","colour":"red"}\n')).message).toMatch(/line 1: .*colour/i);
    expect(refusal(enc("[1,2]\n")).message).toMatch(/line 1: must be a JSON object/);
    expect(refusal(enc('file,prompt\na.png,x\nb.png,"unterminated\n'), "m.csv").message).toMatch(/not valid CSV/);
    expect(refusal(enc("file,prompt\na.png,x\n,y\n"), "m.csv").message).toMatch(/line 3: needs a file/);
  });

  it("names the expected fields at a JSONL row with unknown or missing fields", () => {
    expect(refusal(enc('{"file":"a.png","prompt":"x","colour":"red"}\n')).message).toMatch(
      /line 1: unknown field "colour"; a row has the fields file, prompt or prompt_id/,
    );
    expect(refusal(enc('{"image":"a.png","prompt":"x"}\n')).message).toMatch(/unknown field "image"/);
    expect(refusal(enc('{"prompt":"x"}\n')).message).toMatch(/line 1: needs a file/);
  });

  it("refuses invalid UTF-8 with its line, empty manifests and duplicate files", () => {
    const bad = new Uint8Array([
      ...enc('{"file":"a.png","prompt":"ok"}\n{"file":"b.png","prompt":"'),
      0xff,
      0xfe,
      ...enc('"}\n'),
    ]);
    expect(refusal(bad).message).toMatch(/line 2: is not valid UTF-8 \(byte 58\)/);
    expect(refusal(enc("\n\n")).message).toMatch(/no rows/);
    expect(
      refusal(enc('{"file":"a.png","prompt":"x"}\n{"file":"b.png","prompt":"y"}\n{"file":"a.png","prompt":"x"}\n'))
        .message,
    ).toMatch(/line 3: repeats line 1/);
  });

  it("limits prompt length", () => {
    const huge = "word ".repeat(3000);
    expect(refusal(enc(JSON.stringify({ file: "a.png", prompt: huge }) + "\n")).message).toMatch(/prompt longer than/);
  });
});
