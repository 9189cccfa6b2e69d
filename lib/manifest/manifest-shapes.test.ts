// Manifests as people make them (spreadsheets, several prompts per image) and bounded parsing.
import { describe, expect, it } from "vitest";
import { firstInvalidUtf8, ManifestError, parseManifest } from "./parse-manifest";

const enc = (s: string) => new TextEncoder().encode(s);
function refusal(bytes: Uint8Array, name = "m.csv", opts = {}): ManifestError {
  try {
    parseManifest(bytes, name, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return e as ManifestError;
  }
  throw new Error("expected the manifest to be refused");
}

describe("manifests as spreadsheets write them", () => {
  const rows = [
    { file: "a.png", prompt: "a cat, sitting" },
    { file: "b.png", prompt: "a dog" },
  ];

  it("reads semicolon- and tab-separated CSV, with or without a sep= line, and column aliases", () => {
    expect(parseManifest(enc("file;prompt\na.png;a cat, sitting\nb.png;a dog\n"), "m.csv")).toEqual(rows);
    expect(
      parseManifest(enc('sep=;\r\nFilename;Caption\r\na.png;"a cat, sitting"\r\nb.png;a dog\r\n'), "m.csv"),
    ).toEqual(rows);
    expect(parseManifest(enc("image\ttext\na.png\ta cat, sitting\nb.png\ta dog\n"), "m.csv")).toEqual(rows);
  });

  it("refuses a header without file or prompt at the header line, naming expected and found columns", () => {
    const e = refusal(enc("name;description\na.png;x\n"));
    expect(e.line).toBe(1);
    expect(e.message).toContain('found "name", "description" (separated by semicolon)');
    expect(e.message).toContain("file (or filename, image) and prompt (or caption, text, prompt_id)");
    expect(refusal(enc("sep=;\nfile;seed\na.png;1\n")).line).toBe(2);
    // A data row where the header should be is refused at line 1 too, not as a row error.
    expect(refusal(enc("a.png,a cat\nb.png,a dog\n")).line).toBe(1);
  });

  it("counts sep= in line numbers of later rows", () => {
    expect(refusal(enc("sep=;\nfile;prompt\na.png;x\n;y\n")).line).toBe(4);
  });
});

describe("the same image under several prompts", () => {
  it("is a valid manifest; only an exact repeated (file, prompt) pair is refused, naming both lines", () => {
    const ok = parseManifest(
      enc('{"file":"a.png","prompt":"a cat"}\n{"file":"a.png","prompt":"a kitten"}\n'),
      "m.jsonl",
    );
    expect(ok).toHaveLength(2);
    const e = refusal(enc("file,prompt\na.png,a cat\na.png,a kitten\na.png,A  Cat \n"));
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/repeats line 2/);
  });
});

describe("bounded parsing", () => {
  it("stops a CSV at the row limit instead of parsing all of it", () => {
    const big = "file,prompt\n" + "x.png,p\n".repeat(200_000);
    const t0 = performance.now();
    expect(refusal(enc(big), "m.csv", { maxRows: 10 }).message).toMatch(/line 12: has more than 10 rows/);
    expect(refusal(enc('{"file":"a","prompt":"p"}\n'.repeat(50)), "m.jsonl", { maxRows: 10 }).line).toBe(11);
    expect(performance.now() - t0).toBeLessThan(1000); // parsing 200,000 rows takes seconds here
  });

  it("finds an invalid byte near the end of a large manifest in linear time", () => {
    const line = '{"file":"a.png","prompt":"a photo of something rather long"}\n';
    const n = Math.ceil(240_000 / line.length);
    const text = enc(line.repeat(n));
    const bytes = new Uint8Array(text.length + 3);
    bytes.set(text);
    bytes.set([0x7b, 0xff, 0x0a], text.length);
    const t0 = performance.now();
    const e = refusal(bytes, "m.jsonl");
    expect(performance.now() - t0).toBeLessThan(1000); // the old per-byte re-decode took about a minute
    expect(e.line).toBe(n + 1);
    expect(e.message).toContain(`byte ${text.length + 2}`);
  });

  it("validates UTF-8 like the WHATWG decoder", () => {
    const cases: number[][] = [
      [0x61],
      [0xc3, 0xa9],
      [0xe2, 0x82, 0xac],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
      [0x80],
    ];
    for (const c of cases) {
      const b = new Uint8Array(c);
      let valid = true;
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(b);
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8(b) === b.length, c.join(",")).toBe(valid);
    }
  });
});
