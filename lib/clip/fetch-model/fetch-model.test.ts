import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { config, type Config } from "../../core/config";
import { ClipEvaluator } from "../evaluator";
import { fetchModel, FetchModelError, formatCatalogue, parseFetchModelArgs, type FetchModelOptions } from "./index";
import { CATALOGUE, catalogueEntry, catalogueFolderName, imageLayoutFiles, type CatalogueEntry } from "../catalogue";
import { ImageFeatureExtractor } from "../feature-extractor";
import { modelIdentity } from "../model-identity";
import { PRESETS } from "../../../tools/fixtures/clip/presets";
import { writeFixtureModel } from "../../../tools/fixtures/clip/write-fixture-model";
import { writeDinov2Fixture } from "../../../tools/fixtures/dinov2/write-dinov2-fixture";
import { encodeModel, floatTensor, GraphBuilder } from "../../../tools/fixtures/onnx-builder";
import { findInstalledModel, installManifestSchema, readInstalledModel } from "../installed-model";
import { clipLayoutFiles, DEFAULT_MODEL, type PinnedFile } from "../pinned-models";
import { ENTRY_POINTS } from "../../core/entry-points";

const REPO = "test-org/tiny-clip";
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

// A local hub: serves <dir>/<path> as /<repo>/resolve/<rev>/<path>, with Range support and
// switches to corrupt bytes, cut connections and ignore Range.
type Hub = {
  url: string;
  revs: Map<string, string>;
  corrupt: Set<string>;
  /** Cut the connection after this many body bytes, once per entry. */
  dropAfter: Map<string, number>;
  /** After the next cut connection, answer 503 to everything. */
  downAfterDrop: boolean;
  down: boolean;
  ignoreRange: boolean;
  requests: { file: string; range: string | undefined }[];
  close(): Promise<void>;
};

async function startHub(): Promise<Hub> {
  const hub = {
    revs: new Map<string, string>(),
    corrupt: new Set<string>(),
    dropAfter: new Map<string, number>(),
    downAfterDrop: false,
    down: false,
    ignoreRange: false,
    requests: [] as Hub["requests"],
  };
  const server = http.createServer((req, res) => {
    const match = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(decodeURIComponent(req.url ?? ""));
    const range = req.headers.range;
    if (match) hub.requests.push({ file: match[3], range });
    if (hub.down) return void res.writeHead(503).end("down");
    const dir = match && hub.revs.get(`${match[1]}@${match[2]}`);
    const filePath = dir && path.join(dir, match[3]);
    if (!filePath || !fs.existsSync(filePath)) return void res.writeHead(404).end("Entry not found");
    const rel = match[3];
    let body = fs.readFileSync(filePath);
    if (hub.corrupt.has(rel)) {
      body = Buffer.from(body);
      body[Math.floor(body.length / 2)] ^= 0xff;
    }
    const size = body.length;
    const start = range && !hub.ignoreRange ? Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? 0) : 0;
    if (start >= size && start > 0) {
      return void res.writeHead(416, { "content-range": `bytes */${size}` }).end();
    }
    const slice = body.subarray(start);
    res.writeHead(start > 0 ? 206 : 200, {
      "content-length": String(slice.length),
      "content-type": "application/octet-stream",
      ...(start > 0 ? { "content-range": `bytes ${start}-${size - 1}/${size}` } : {}),
    });
    const cut = hub.dropAfter.get(rel);
    if (cut !== undefined) {
      hub.dropAfter.delete(rel);
      // Wait before cutting so the client has consumed the bytes: a fetch body stream that
      // errors drops the chunks it still queues.
      res.write(slice.subarray(0, cut), () =>
        setTimeout(() => {
          if (hub.downAfterDrop) hub.down = true;
          res.destroy();
        }, 50),
      );
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(hub, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

const sha256 = (buf: Buffer) => createHash("sha256").update(buf).digest("hex");

/** An ONNX file of about `bytes` random bytes: a graph with one random float initializer. */
function randomGraph(bytes: number): Buffer {
  const g = new GraphBuilder("random");
  const n = Math.floor(bytes / 4);
  g.initializer(floatTensor("w", new Float32Array(randomBytes(n * 4).buffer), [n]));
  return Buffer.from(encodeModel(g.toModel({ producerName: "fetch-model.test" })));
}

/** A model folder in the CLIP layout with random weights, and its pinned list. */
function makeModel(root: string, label: string): { dir: string; files: PinnedFile[] } {
  const dir = path.join(root, label);
  const files = clipLayoutFiles("fp32").map((f) => {
    const content = f.lfs
      ? randomGraph(200_000 + Math.floor(Math.random() * 200_000))
      : Buffer.from(JSON.stringify({ label, file: f.path }));
    fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.path), content);
    return f.lfs ? { ...f, sha256: sha256(content), size: content.length } : f;
  });
  return { dir, files };
}

function expectSameFiles(installed: string, source: string, files: PinnedFile[]) {
  for (const f of files) {
    expect(sha256(fs.readFileSync(path.join(installed, f.path))), f.path).toBe(
      sha256(fs.readFileSync(path.join(source, f.path))),
    );
  }
}

const tsxCli = path.join(repoRoot, "node_modules/tsx/dist/cli.mjs");

/** Runs `tsx scripts/service/fetch-model.ts` with only the given environment. */
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    // Async spawn: the hub runs in this process and must keep answering.
    const child = spawn(process.execPath, [tsxCli, ENTRY_POINTS.fetchModel, ...args], {
      cwd: repoRoot,
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("error", reject);
    child.on("close", (code: number | null) => resolve({ code, out, err }));
  });
}

let hub: Hub;
let tmp: string;
let modelsDir: string;
let revA: { dir: string; files: PinnedFile[] };
let revB: { dir: string; files: PinnedFile[] };
let logs: string[];

const deps = () => ({ log: (l: string) => logs.push(l), retryDelayMs: 5, maxAttempts: 3 });
const opts = (over: Partial<FetchModelOptions> = {}): FetchModelOptions => ({
  repo: REPO,
  revision: "rev-a",
  variant: "fp32",
  modelsDir,
  name: "tiny-clip",
  endpoint: hub.url,
  files: revA.files,
  ...over,
});

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fetch-model-"));
  hub = await startHub();
  revA = makeModel(tmp, "rev-a");
  revB = makeModel(tmp, "rev-b");
  hub.revs.set(`${REPO}@rev-a`, revA.dir);
  hub.revs.set(`${REPO}@rev-b`, revB.dir);
});

afterAll(async () => {
  await hub.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  modelsDir = fs.mkdtempSync(path.join(tmp, "models-"));
  logs = [];
  hub.requests.length = 0;
});

afterEach(() => {
  hub.corrupt.clear();
  hub.dropAfter.clear();
  hub.down = false;
  hub.downAfterDrop = false;
  hub.ignoreRange = false;
});

describe("fetchModel", () => {
  it("installs the fixture CLIP folder served like the Hub, and the evaluator loads and scores with it", async () => {
    const fixture = path.join(repoRoot, "fixtures/clip-tiny");
    const files = clipLayoutFiles("fp32").map((f) => {
      const content = fs.readFileSync(path.join(fixture, f.path));
      return f.lfs ? { ...f, sha256: sha256(content), size: content.length } : f;
    });
    hub.revs.set(`${REPO}@fixture`, fixture);
    hub.dropAfter.set("onnx/text_model.onnx", 1_000_000);
    const result = await fetchModel(opts({ revision: "fixture", files }), deps());
    expect(hub.requests.some((r) => r.file === "onnx/text_model.onnx" && r.range)).toBe(true);
    expectSameFiles(result.dir, fixture, files);
    const installed = findInstalledModel(modelsDir);
    expect(installed?.dir).toBe(result.dir);
    const ev = await ClipEvaluator.load(result.dir, { threads: 1 });
    const [img] = await ev.embedImages([fs.readFileSync(path.join(repoRoot, "examples/shapes/red-square-0.png"))]);
    expect(img!.embedding!.length).toBe(16);
    expect(ev.tokenizer.encode("a red square").ids).toEqual([49406, 320, 736, 3999, 49407]);
    await ev.release();
  });

  it("installs every file with install.json and verified hashes", async () => {
    const result = await fetchModel(opts(), deps());

    const dir = path.join(modelsDir, "tiny-clip");
    expect(result).toMatchObject({ status: "installed", dir });
    expectSameFiles(dir, revA.dir, revA.files);
    const manifest = installManifestSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, "install.json"), "utf8")));
    expect(manifest).toMatchObject({ repo: REPO, revision: "rev-a", variant: "fp32" });
    expect(manifest.files.map((f) => f.path)).toEqual(revA.files.map((f) => f.path));
    for (const f of manifest.files) {
      const bytes = fs.readFileSync(path.join(revA.dir, f.path));
      expect(f).toEqual({
        path: f.path,
        size: bytes.length,
        sha256: sha256(bytes),
        verified: f.path.endsWith(".onnx") ? "published" : "computed",
      });
    }
    // Nothing half-done is left beside the install.
    expect(fs.readdirSync(modelsDir).sort()).toEqual([".partial", "tiny-clip"]);
    expect(fs.readdirSync(path.join(modelsDir, ".partial"))).toEqual([]);

    const found = findInstalledModel(modelsDir);
    expect(found?.dir).toBe(dir);
    expect(found?.graphs).toEqual([path.join(dir, "onnx/vision_model.onnx"), path.join(dir, "onnx/text_model.onnx")]);
  });

  it("rejects a corrupted file, names it with both hashes and installs nothing", async () => {
    hub.corrupt.add("onnx/text_model.onnx");
    const expected = revA.files.find((f) => f.path === "onnx/text_model.onnx")!.sha256!;
    const served = fs.readFileSync(path.join(revA.dir, "onnx/text_model.onnx"));
    served[Math.floor(served.length / 2)] ^= 0xff;

    const error = await fetchModel(opts(), deps()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FetchModelError);
    expect((error as FetchModelError).code).toBe("integrity");
    expect((error as Error).message).toContain("onnx/text_model.onnx");
    expect((error as Error).message).toContain(`expected ${expected}`);
    expect((error as Error).message).toContain(`got ${sha256(served)}`);
    expect(fs.existsSync(path.join(modelsDir, "tiny-clip"))).toBe(false);
    expect(fs.existsSync(path.join(modelsDir, ".partial/tiny-clip/onnx/text_model.onnx.part"))).toBe(false);
    expect(findInstalledModel(modelsDir)).toBeUndefined();
  });

  it("leaves the previous install untouched when a forced reinstall is corrupted", async () => {
    await fetchModel(opts(), deps());
    const dir = path.join(modelsDir, "tiny-clip");
    const before = fs.readFileSync(path.join(dir, "install.json"), "utf8");
    hub.corrupt.add("onnx/vision_model.onnx");

    await expect(fetchModel(opts({ revision: "rev-b", files: revB.files, force: true }), deps())).rejects.toMatchObject(
      {
        code: "integrity",
        message: expect.stringContaining("onnx/vision_model.onnx"),
      },
    );

    expect(fs.readFileSync(path.join(dir, "install.json"), "utf8")).toBe(before);
    expectSameFiles(dir, revA.dir, revA.files);
    expect(readInstalledModel(dir)?.manifest.revision).toBe("rev-a");
  });

  it("resumes with a Range request when the connection drops midway", async () => {
    hub.dropAfter.set("onnx/vision_model.onnx", 100_000);

    await fetchModel(opts(), deps());

    // The client may lose the last chunks before the cut, so the resume point is at most 100000.
    const ranges = hub.requests.filter((r) => r.file === "onnx/vision_model.onnx").map((r) => r.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? "")?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(100_000);
    expectSameFiles(path.join(modelsDir, "tiny-clip"), revA.dir, revA.files);
    expect(logs.some((l) => l.includes("onnx/vision_model.onnx") && l.includes("retrying"))).toBe(true);
  });

  it("resumes from the .part file of an interrupted earlier run", async () => {
    hub.dropAfter.set("onnx/text_model.onnx", 150_000);
    hub.downAfterDrop = true;

    const error = await fetchModel(opts(), deps()).catch((e: unknown) => e);

    expect((error as FetchModelError).code).toBe("network");
    expect((error as Error).message).toMatch(/resumes from there/);
    const part = path.join(modelsDir, ".partial/tiny-clip/onnx/text_model.onnx.part");
    const kept = fs.statSync(part).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(150_000);
    expect(fs.existsSync(path.join(modelsDir, "tiny-clip"))).toBe(false);

    hub.down = false;
    hub.requests.length = 0;
    await fetchModel(opts(), deps());

    // Files finished in the first run are not fetched again.
    expect(hub.requests).toEqual([{ file: "onnx/text_model.onnx", range: `bytes=${kept}-` }]);
    expectSameFiles(path.join(modelsDir, "tiny-clip"), revA.dir, revA.files);
  });

  it("restarts a file when the server ignores the Range request", async () => {
    hub.dropAfter.set("onnx/text_model.onnx", 50_000);
    hub.ignoreRange = true;

    await fetchModel(opts(), deps());

    expect(logs.some((l) => l.includes("does not resume"))).toBe(true);
    expectSameFiles(path.join(modelsDir, "tiny-clip"), revA.dir, revA.files);
  });

  it("replaces an install atomically with --force, and only with --force", async () => {
    await fetchModel(opts(), deps());
    hub.requests.length = 0;

    await expect(fetchModel(opts(), deps())).resolves.toMatchObject({ status: "already-installed" });
    expect(hub.requests).toEqual([]);
    await expect(fetchModel(opts({ revision: "rev-b", files: revB.files }), deps())).rejects.toMatchObject({
      code: "already-installed",
      message: expect.stringContaining("--force"),
    });

    const result = await fetchModel(opts({ revision: "rev-b", files: revB.files, force: true }), deps());

    const dir = path.join(modelsDir, "tiny-clip");
    expect(result.status).toBe("installed");
    expectSameFiles(dir, revB.dir, revB.files);
    expect(readInstalledModel(dir)?.manifest.revision).toBe("rev-b");
    expect(fs.readdirSync(modelsDir).sort()).toEqual([".partial", "tiny-clip"]);
  });

  it("puts back the previous install left aside by a crash mid-swap", async () => {
    await fetchModel(opts(), deps());
    fs.renameSync(path.join(modelsDir, "tiny-clip"), path.join(modelsDir, ".old-tiny-clip"));

    await expect(fetchModel(opts(), deps())).resolves.toMatchObject({ status: "already-installed" });
    expect(readInstalledModel(path.join(modelsDir, "tiny-clip"))?.manifest.revision).toBe("rev-a");
  });

  it("refuses files without a published hash unless allowed, then records computed hashes", async () => {
    const unpinned = revA.files.map((f) => ({ ...f, sha256: null, size: null }));

    await expect(fetchModel(opts({ files: unpinned }), deps())).rejects.toMatchObject({
      code: "unverified",
      message: expect.stringContaining("--allow-unverified"),
    });
    expect(hub.requests).toEqual([]);

    const result = await fetchModel(opts({ files: unpinned, allowUnverified: true }), deps());
    expect(result.manifest.files.every((f) => f.verified === "computed")).toBe(true);
    expect(logs.filter((l) => l.includes("NOT verified against a published value"))).toHaveLength(2);
  });

  it("fails fast when the served size differs from the published one", async () => {
    const wrongSize = revA.files.map((f) => (f.path === "onnx/vision_model.onnx" ? { ...f, size: 351_685_709 } : f));

    await expect(fetchModel(opts({ files: wrongSize }), deps())).rejects.toMatchObject({
      code: "integrity",
      message: expect.stringMatching(/onnx\/vision_model\.onnx.*351685709/),
    });
    expect(fs.existsSync(path.join(modelsDir, "tiny-clip"))).toBe(false);
  });

  it("explains a 404 without retrying", async () => {
    await expect(fetchModel(opts({ revision: "no-such-rev" }), deps())).rejects.toMatchObject({
      code: "http",
      message: expect.stringContaining("check --repo"),
    });
    expect(hub.requests).toHaveLength(1);
  });

  it("says which endpoint it could not reach", async () => {
    const dead = await startHub();
    await dead.close();

    await expect(fetchModel(opts({ endpoint: dead.url }), deps())).rejects.toMatchObject({
      code: "network",
      message: expect.stringContaining(`could not reach ${dead.url}`),
    });
  });
});

describe("parseFetchModelArgs", () => {
  const cfg = (): Config => ({
    ...config(),
    dataDir: "/d",
    modelsDir: "/d/models",
    cacheDir: "/c",
    modelDir: undefined,
    modelVariant: "fp32",
    hfEndpoint: "https://mirror.example",
    hfToken: "secret",
  });

  it("defaults to the pinned model and takes endpoint, token and models dir from config", () => {
    expect(parseFetchModelArgs([], cfg)).toEqual({
      help: false,
      options: {
        repo: DEFAULT_MODEL.repo,
        revision: DEFAULT_MODEL.revision,
        variant: "fp32",
        modelsDir: "/d/models",
        name: "clip-vit-base-patch32",
        force: false,
        allowUnverified: false,
        endpoint: "https://mirror.example",
        token: "secret",
      },
    });
  });

  it("reads every option", () => {
    const parsed = parseFetchModelArgs(
      ["--variant", "quantized", "--models-dir", "/m", "--name", "b32", "--force", "--allow-unverified"],
      cfg,
    );
    expect(parsed).toMatchObject({
      options: { variant: "quantized", modelsDir: "/m", name: "b32", force: true, allowUnverified: true },
    });
    expect(
      parseFetchModelArgs(["--help"], () => {
        throw new Error("config must not be read for --help");
      }),
    ).toEqual({ help: true });
  });

  it("rejects bad arguments as usage errors", () => {
    for (const argv of [
      ["--variant", "int4"],
      ["--bogus"],
      ["--repo", "no-slash"],
      ["--name", "../x"],
      ["--repo", "a/b"],
    ]) {
      expect(() => parseFetchModelArgs(argv, cfg), argv.join(" ")).toThrow(expect.objectContaining({ code: "usage" }));
    }
  });
});

describe("findInstalledModel", () => {
  it("is undefined when nothing is installed", () => {
    expect(findInstalledModel(path.join(tmp, "missing"))).toBeUndefined();
    expect(findInstalledModel(modelsDir)).toBeUndefined();
  });

  it("reports an install whose files are gone", async () => {
    await fetchModel(opts(), deps());
    fs.rmSync(path.join(modelsDir, "tiny-clip/onnx/text_model.onnx"));
    expect(() => findInstalledModel(modelsDir)).toThrow(/onnx\/text_model\.onnx is missing/);
  });
});

describe("scripts/service/fetch-model.ts", () => {
  const env = () => ({ HF_ENDPOINT: hub.url });

  it("prints usage for --help and exits 2 on a bad option", async () => {
    const help = await runCli(["--help"], env());
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: npm run fetch-model");
    const bad = await runCli(["--variant", "int4"], env());
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--variant must be one of");
  });

  it("installs from HF_ENDPOINT into --models-dir", async () => {
    const args = ["--repo", REPO, "--revision", "rev-a", "--models-dir", modelsDir];

    const refused = await runCli(args, env());
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("--allow-unverified");

    const ok = await runCli([...args, "--allow-unverified"], env());
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain("100%");
    const dir = path.join(modelsDir, "tiny-clip");
    expectSameFiles(dir, revA.dir, revA.files);
    expect(readInstalledModel(dir)?.manifest.revision).toBe("rev-a");
  });

  it("exits 1 naming the file when the pinned model's bytes do not match", async () => {
    // Serve the small test model under the pinned repo and revision: its ONNX files
    // cannot have the published sizes.
    hub.revs.set(`${DEFAULT_MODEL.repo}@${DEFAULT_MODEL.revision}`, revA.dir);

    const run = await runCli(["--models-dir", modelsDir], env());

    expect(run.code).toBe(1);
    expect(run.err).toContain("onnx/vision_model.onnx");
    expect(run.err).toContain("351685709");
    expect(fs.existsSync(path.join(modelsDir, "clip-vit-base-patch32"))).toBe(false);
  });
});

// The catalogue against a local mirror serving generated fixtures of each architecture: every entry
// installs by name (its pinned commit and layout; the fixture's hashes stand in for the published
// ones), is listed with its convention, loads, and has the same identity from install.json as from
// hashing. External-data files are fetched and verified like graphs.
describe("the catalogue from a local mirror", () => {
  const fixtures = new Map<string, string>();
  function fixtureFor(e: CatalogueEntry): string {
    const key = e.kind === "image-features" ? "dinov2" : e.name === "vit-l-14-336" ? "clip-336" : "clip";
    let dir = fixtures.get(key);
    if (!dir) {
      dir = path.join(tmp, `fixture-${key}`);
      if (key === "dinov2") writeDinov2Fixture({ preset: "tiny", outDir: dir });
      else if (key === "clip-336")
        writeFixtureModel({ preset: PRESETS["tiny-336"], outDir: dir, seed: 3, fp16: false });
      else fs.cpSync(path.join(repoRoot, "fixtures/clip-tiny"), dir, { recursive: true });
      fixtures.set(key, dir);
    }
    return dir;
  }
  /** The entry's own file list, each large file's hash and size replaced by the fixture's. */
  function mirrored(files: readonly PinnedFile[], dir: string): PinnedFile[] {
    return files.map((f) => {
      if (!f.lfs) return f;
      const bytes = fs.readFileSync(path.join(dir, f.path));
      return { ...f, sha256: sha256(bytes), size: bytes.length };
    });
  }
  const cfg = (): Config => ({ ...config(), modelsDir, hfEndpoint: hub.url, hfToken: undefined, modelVariant: "fp32" });

  it.each(CATALOGUE.map((e) => [e.name, e] as const))(
    "%s installs by name, is listed with its convention and loads",
    async (_name, entry) => {
      const dir = fixtureFor(entry);
      const revision = entry.revision ?? "a-commit-given-by-the-user";
      hub.revs.set(`${entry.repo}@${revision}`, dir);
      const parsed = parseFetchModelArgs(
        ["--model", entry.name, ...(entry.revision ? [] : ["--revision", revision, "--allow-unverified"])],
        cfg,
      );
      if (!("options" in parsed)) throw new Error("expected options");
      expect(parsed.options).toMatchObject({ repo: entry.repo, revision, model: entry.name, kind: entry.kind });
      // The mirror serves fixtures, so the published hashes cannot match: the entry's list, re-hashed.
      const files = mirrored(parsed.options.files!, dir);
      expect(files.map((f) => f.path)).toEqual(entry.files.fp32!.map((f) => f.path));
      const result = await fetchModel({ ...parsed.options, files }, deps());
      expect(path.basename(result.dir)).toBe(catalogueFolderName(entry));
      expect(result.manifest).toMatchObject({ model: entry.name, kind: entry.kind, repo: entry.repo });

      const listing = formatCatalogue(new Map([[catalogueFolderName(entry), "fp32"]]));
      const block = listing.split("\n\n").find((b) => b.includes(`${entry.name} `))!;
      expect(block).toContain(entry.convention);
      expect(block).toContain(`installed in ${catalogueFolderName(entry)} (fp32)`);

      const fromManifest = await modelIdentity(result.dir, "fp32");
      const png = fs.readFileSync(path.join(repoRoot, "examples/shapes/red-square-0.png"));
      if (entry.kind === "clip") {
        const ev = await ClipEvaluator.load(result.dir, { threads: 1 });
        expect(fromManifest).toEqual(ev.identity);
        expect(ev.folder.image.cropHeight).toBe(entry.name === "vit-l-14-336" ? 336 : 32);
        expect((await ev.embedImages([png]))[0]!.embedding).toBeDefined();
        await ev.release();
      } else {
        const ex = await ImageFeatureExtractor.load(result.dir, { threads: 1 });
        expect(fromManifest).toEqual(ex.identity);
        expect(ex.identity.id).toMatch(/^dinov2-(base|large)\+dgm-eval@/);
        expect((await ex.embedImages([png]))[0]!.embedding!.length).toBe(32);
        await ex.release();
      }
    },
    60_000,
  );

  describe("with external data", () => {
    let dino: string;
    let files: PinnedFile[];
    beforeAll(() => {
      dino = path.join(tmp, "dino-ext");
      writeDinov2Fixture({ preset: "tiny", outDir: dino, externalData: true });
      hub.revs.set("test-org/dino@ext", dino);
      files = mirrored(
        [...imageLayoutFiles("fp32"), { path: "onnx/model.onnx_data", sha256: null, size: null, lfs: true }],
        dino,
      );
    });
    const dinoOpts = (over: Partial<FetchModelOptions> = {}) =>
      opts({ repo: "test-org/dino", revision: "ext", name: "dino", kind: "image-features", files, ...over });

    it("verifies and installs the data file, and the identity covers it", async () => {
      const result = await fetchModel(dinoOpts(), deps());
      expect(result.manifest.files.find((f) => f.path === "onnx/model.onnx_data")).toMatchObject({
        verified: "published",
      });
      const identity = await modelIdentity(result.dir, "fp32");
      expect(identity.files.map((f) => f.path)).toContain("onnx/model.onnx_data");
      const ex = await ImageFeatureExtractor.load(result.dir, { threads: 1 });
      expect(ex.identity).toEqual(identity);
      await ex.release();
    });

    it("refuses a corrupted data file, naming it, and installs nothing", async () => {
      hub.corrupt.add("onnx/model.onnx_data");
      await expect(fetchModel(dinoOpts(), deps())).rejects.toMatchObject({
        code: "integrity",
        message: expect.stringContaining("onnx/model.onnx_data: SHA256 mismatch"),
      });
      expect(fs.existsSync(path.join(modelsDir, "dino"))).toBe(false);
    });

    it("refuses a data file the pinned list leaves out, unless unverified files are allowed", async () => {
      const withoutData = files.filter((f) => f.path !== "onnx/model.onnx_data");
      await expect(fetchModel(dinoOpts({ files: withoutData }), deps())).rejects.toMatchObject({
        code: "integrity",
        message: expect.stringMatching(/onnx\/model\.onnx keeps tensors in onnx\/model\.onnx_data/),
      });
      expect(fs.existsSync(path.join(modelsDir, "dino"))).toBe(false);
      const result = await fetchModel(dinoOpts({ files: withoutData, allowUnverified: true }), deps());
      expect(result.manifest.files.find((f) => f.path === "onnx/model.onnx_data")).toMatchObject({
        verified: "computed",
      });
    });

    it("an install whose manifest leaves out a referenced file is reported broken", async () => {
      const result = await fetchModel(dinoOpts(), deps());
      const manifestPath = path.join(result.dir, "install.json");
      const m = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
      m.files = m.files.filter((f: { path: string }) => f.path !== "onnx/model.onnx_data");
      fs.writeFileSync(manifestPath, JSON.stringify(m));
      expect(() => readInstalledModel(result.dir)).toThrow(
        /keeps tensors in onnx\/model\.onnx_data, which install\.json does not list/,
      );
    });
  });

  it("parses catalogue names and refuses what the pinned revision does not hold", () => {
    expect(parseFetchModelArgs(["--model", "dinov2-l-14"], cfg)).toMatchObject({
      options: { repo: "Xenova/dinov2-large", name: "dinov2-large", kind: "image-features", model: "dinov2-l-14" },
    });
    expect(() => parseFetchModelArgs(["--model", "vit-h-14"], cfg)).toThrow(
      /no catalogue model "vit-h-14"; the catalogue has vit-b-32, vit-b-16, vit-l-14, vit-l-14-336, dinov2-b-14, dinov2-l-14/,
    );
    expect(() => parseFetchModelArgs(["--model", "vit-l-14-336", "--variant", "fp16"], cfg)).toThrow(
      /has no fp16 variant at the pinned revision; it has fp32, quantized/,
    );
    expect(() => parseFetchModelArgs(["--model", "vit-b-16"], cfg)).toThrow(
      /--revision is required with --model vit-b-16/,
    );
    expect(() => parseFetchModelArgs(["--model", "vit-b-32", "--repo", "a/b"], cfg)).toThrow(/not both/);
  });

  it("refuses a catalogue model without published hashes unless --allow-unverified", async () => {
    const entry = catalogueEntry("dinov2-l-14")!;
    hub.revs.set(`${entry.repo}@${entry.revision}`, fixtureFor(entry));
    const parsed = parseFetchModelArgs(["--model", "dinov2-l-14"], cfg);
    if (!("options" in parsed)) throw new Error("expected options");
    await expect(fetchModel(parsed.options, deps())).rejects.toMatchObject({
      code: "unverified",
      message: expect.stringContaining("onnx/model.onnx"),
    });
    expect(hub.requests).toEqual([]);
  });

  it("the command line lists the catalogue and names the choices for an unknown model", async () => {
    const list = await runCli(["--list", "--models-dir", modelsDir], { HF_ENDPOINT: hub.url });
    expect(list.code).toBe(0);
    for (const e of CATALOGUE) expect(list.out).toContain(`${e.label} — ${e.convention}`);
    const bad = await runCli(["--model", "nope"], { HF_ENDPOINT: hub.url });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("the catalogue has vit-b-32, vit-b-16");
  });
});
