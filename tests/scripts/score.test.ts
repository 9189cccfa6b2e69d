import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ENTRY_POINTS } from "../../lib/core/entry-points";

const root = path.resolve(".");
let tmp: string;

function score(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, ENTRY_POINTS.score), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, T2I_MODELS_DIR: path.join(tmp, "no-models"), T2I_THREADS: "1", ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "score-cli-"));
});

describe("npm run score", () => {
  it("prints valid JSON through npm run -s, and writes it to --out", async () => {
    const r = spawnSync(
      "npm",
      [
        "run",
        "-s",
        "score",
        "--",
        "--manifest",
        "examples/shapes/manifest.jsonl",
        "--model",
        "fixture",
        "--format",
        "json",
      ],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, T2I_MODELS_DIR: path.join(tmp, "no-models"), T2I_THREADS: "1" },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).items).toHaveLength(12);
    const out = path.join(tmp, "report.json");
    const w = score([
      "--manifest",
      "examples/shapes/manifest.jsonl",
      "--model",
      "fixture",
      "--format",
      "json",
      "--out",
      out,
    ]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toBe("");
    expect(JSON.parse(await fs.readFile(out, "utf8")).items).toHaveLength(12);
  });

  it("prints the JSON report for the bundled example and exits 0", () => {
    const r = score(["--manifest", "examples/shapes/manifest.jsonl", "--model", "fixture", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(["evaluator", "items", "groups", "summary"]));
    expect(doc.evaluator).toMatchObject({
      id: expect.stringMatching(/^clip-tiny@[0-9a-f]{12}$/),
      name: "clip-tiny",
      isFixture: true,
    });
    expect(doc.evaluator.warning).toMatch(/random weights, scores not meaningful/);
    expect(doc.evaluator.files.every((f: { sha256: string }) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    expect(doc.items).toHaveLength(12);
    expect(doc.items[0]).toMatchObject({
      file: "red-square-0.png",
      prompt: "a red square",
      group: "a red square",
      truncated: false,
    });
    expect(doc.items[0].clipScore).toBeCloseTo(100 * doc.items[0].cosine, 6);
    expect(doc.groups).toHaveLength(4);
    expect(doc.groups[0]).toMatchObject({ group: "a red square", n: 3 });
    for (const k of ["n", "failed", "clipScore", "clipS", "diversity", "vendi", "ci"])
      expect(doc.summary).toHaveProperty(k);
    expect(doc.summary.ci.diversity).toMatchObject({ level: 0.95, B: 1000, seed: 0 });
    expect(r.stderr).toMatch(/warning: test evaluator/);
  });

  it("reports per-item errors for missing and broken files, scores the rest, exits 1", async () => {
    const dir = path.join(tmp, "mixed");
    await fs.mkdir(dir, { recursive: true });
    await fs.copyFile("examples/shapes/red-square-0.png", path.join(dir, "ok1.png"));
    await fs.copyFile("examples/shapes/red-square-1.png", path.join(dir, "ok2.png"));
    await fs.writeFile(path.join(dir, "text.png"), "hello");
    const rows = [
      { file: "ok1.png", prompt: "a red square" },
      { file: "ok2.png", prompt: "a red square" },
      { file: "text.png", prompt: "a red square" },
      { file: "missing.png", prompt: "a red square" },
      { file: "../escape.png", prompt: "a red square" },
    ];
    await fs.writeFile(path.join(dir, "m.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n"));
    const r = score(["--manifest", path.join(dir, "m.jsonl"), "--model", "fixture", "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toMatchObject({ n: 5, failed: 3 });
    const byFile = Object.fromEntries(doc.items.map((i: { file: string }) => [i.file, i]));
    expect(byFile["ok1.png"].cosine).toEqual(expect.any(Number));
    expect(byFile["text.png"].error).toMatchObject({ code: "image_unreadable" });
    expect(byFile["missing.png"].error).toMatchObject({ code: "file_missing" });
    expect(byFile["../escape.png"].error).toMatchObject({ code: "file_outside_folder" });
    expect(doc.groups[0].diversity).toEqual(expect.any(Number));
  });

  it("scores the same rows alike from JSONL and CSV, an empty prompt included", async () => {
    const dir = path.join(tmp, "formats");
    await fs.mkdir(dir, { recursive: true });
    for (const f of ["red-square-0.png", "red-square-1.png"])
      await fs.copyFile(`examples/shapes/${f}`, path.join(dir, f));
    await fs.copyFile("examples/shapes/red-square-0.png", path.join(dir, "single.png"));
    const rows = [
      { file: "red-square-0.png", prompt: "a red square", group: "squares" },
      { file: "red-square-1.png", prompt: "a red square", group: "squares" },
      { file: "single.png", prompt: "", group: "empty-prompt" },
    ];
    await fs.writeFile(path.join(dir, "m.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n"));
    await fs.writeFile(
      path.join(dir, "m.csv"),
      `file,prompt,group\n${rows.map((r) => `${r.file},"${r.prompt}",${r.group}`).join("\n")}\n`,
    );
    const run = (m: string) => score(["--manifest", path.join(dir, m), "--model", "fixture", "--format", "json"]);
    const [j, c] = [run("m.jsonl"), run("m.csv")];
    expect(j.code, j.stderr).toBe(0);
    expect(c.code, c.stderr).toBe(0);
    const [dj, dc] = [JSON.parse(j.stdout), JSON.parse(c.stdout)];
    expect(dj.items).toHaveLength(3);
    expect(dj.items[2]).toMatchObject({ file: "single.png", prompt: "", cosine: expect.any(Number) });
    expect(dc.items).toEqual(dj.items);
    expect(dc.summary).toEqual(dj.summary);
  });

  it("refuses a malformed manifest with its line number, exit 2", async () => {
    const m = path.join(tmp, "bad.jsonl");
    await fs.writeFile(m, '{"file":"a.png","prompt":"x"}\n{"file": oops}\n');
    const r = score(["--manifest", m, "--model", "fixture"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/manifest line 2: is not valid JSON/);
    expect(r.stdout).toBe("");
  });

  it("says why a manifest cannot be read (missing file, a folder), exit 2", () => {
    const missing = score(["--manifest", path.join(tmp, "nope.jsonl"), "--model", "fixture"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.jsonl: no such file");
    const folder = score(["--manifest", tmp, "--model", "fixture"]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/it is a folder/);
  });

  it("refuses to run without an installed model and says how to get one, exit 2", () => {
    const r = score(["--manifest", "examples/shapes/manifest.jsonl"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/npm run fetch-model/);
    expect(r.stderr).toMatch(/--model fixtures\/clip-tiny/);
  });

  it("prints a table labelled with conventions, and --help", () => {
    const t = score(["--manifest", "examples/shapes/manifest.jsonl", "--model", "fixture"]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/WARNING\s+test evaluator: random weights/);
    expect(t.stdout).toMatch(/clipScore .*torchmetrics/);
    const h = score(["--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/Exit codes/);
  });
});
