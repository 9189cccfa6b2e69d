// The toy-world evaluator end to end: the CLI (--model toy), POST /api/v1/metrics and an
// uploaded run, on a server started with T2I_MODEL_DIR=toy, give identical scores for the same
// toy images, labelled as toy-world only; and the scores mean something there.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { renderScenePng } from "../../lib/toy-world/render";
import { sampleScene, type SceneConstraints, HELD_OUT_SEED_BASE } from "../../lib/toy-world/scene";
import { uniqueName } from "../helpers";
import { ENTRY_POINTS } from "../../lib/core/entry-points";

const TOY_WARNING = "toy-world evaluator: meaningful only on toy-world images";
// A second server (its own port and data folder) scores with the toy model; the suite's main
// server keeps the random-weight fixture that the other specs expect.
const PORT = Number(process.env.E2E_TOY_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 1000);
const DATA_DIR = ".cache/e2e-toy-data";

type Sample = { file: string; prompt: string; data: Buffer };

const PROMPTS: Array<[string, SceneConstraints]> = [
  ["a red circle", { kind: "single", colour: "red", shape: "circle" }],
  ["a blue square", { kind: "single", colour: "blue", shape: "square" }],
  ["two yellow stars", { kind: "group", count: 2, colour: "yellow", shape: "star" }],
];

async function toySamples(perPrompt: number): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const [i, [prompt, constraints]] of PROMPTS.entries()) {
    for (let s = 0; s < perPrompt; s++) {
      const scene = sampleScene(HELD_OUT_SEED_BASE + 900_000 + i * 100 + s, constraints);
      out.push({ file: `p${i}-s${s}.png`, prompt, data: await renderScenePng(scene) });
    }
  }
  return out;
}

const manifest = (samples: Sample[], prompt?: (s: Sample) => string) =>
  samples.map((s) => JSON.stringify({ file: s.file, prompt: prompt ? prompt(s) : s.prompt })).join("\n") + "\n";

let server: ChildProcess;
let api: APIRequestContext;
let key: string;
let samples: Sample[];
let dir: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  const env = {
    ...process.env,
    T2I_DATA_DIR: DATA_DIR,
    T2I_MODEL_DIR: "toy",
    T2I_JOB_POLL_MS: "200",
    T2I_RATE_LIMIT_WRITES_PER_MIN: "0",
    T2I_RATE_LIMIT_READS_PER_MIN: "0",
  };
  server = spawn(
    process.execPath,
    ["--import", "tsx", ENTRY_POINTS.serve, "--port", String(PORT), "--no-prompt", "--no-demo"],
    { env, stdio: "ignore" },
  );
  api = await playwrightRequest.newContext({ baseURL: `http://127.0.0.1:${PORT}` });
  await expect
    .poll(async () => (await api.get("/api/v1/health").catch(() => undefined))?.status(), {
      timeout: 150_000,
      intervals: [500, 1000],
    })
    .toBe(200);
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", ENTRY_POINTS.apikey, "create", "--name", uniqueName("toy-e2e")],
    { env, encoding: "utf8" },
  );
  key = /t2i_[A-Za-z0-9_-]+/.exec(out)![0];
  samples = await toySamples(3);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "toy-e2e-"));
  for (const s of samples) fs.writeFileSync(path.join(dir, s.file), s.data);
  fs.writeFileSync(path.join(dir, "manifest.jsonl"), manifest(samples));
});

test.afterAll(async () => {
  await api?.dispose();
  if (server?.pid) server.kill("SIGTERM");
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function cli(manifestFile: string) {
  const out = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      ENTRY_POINTS.score,
      "--manifest",
      manifestFile,
      "--images",
      dir,
      "--model",
      "toy",
      "--format",
      "json",
      "--seed",
      "7",
    ],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return JSON.parse(out);
}

async function metricsApi(body: string) {
  const fd = new FormData();
  fd.append("manifest", new Blob([body]), "manifest.jsonl");
  for (const s of samples) fd.append("images", new Blob([new Uint8Array(s.data)]), s.file);
  const res = await api.post("/api/v1/metrics?seed=7", { multipart: fd });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

test.describe("toy-world evaluator", () => {
  test("the service reports the toy evaluator with its label", async () => {
    const health = await (await api.get("/api/v1/health")).json();
    expect(health.evaluator).toMatchObject({ name: "t2i-eval/clip-toy-world", isFixture: false, warning: TOY_WARNING });
  });

  test("CLI, /api/v1/metrics and an uploaded run give identical scores", async () => {
    const fromCli = cli(path.join(dir, "manifest.jsonl"));
    const fromApi = await metricsApi(manifest(samples));
    expect(fromCli.evaluator).toMatchObject({ name: "t2i-eval/clip-toy-world", warning: TOY_WARNING });
    expect(fromApi.evaluator).toMatchObject({ id: fromCli.evaluator.id, warning: TOY_WARNING });
    fromCli.items.forEach((item: { file: string; cosine: number }, i: number) => {
      expect(fromApi.items[i].file).toBe(item.file);
      expect(fromApi.items[i].cosine).toBeCloseTo(item.cosine, 6);
    });
    expect(fromApi.summary.clipScore).toBeCloseTo(fromCli.summary.clipScore, 6);
    expect(fromApi.summary.diversity).toBeCloseTo(fromCli.summary.diversity, 6);

    const variant = uniqueName("toy");
    const fd = new FormData();
    for (const [k, v] of Object.entries({
      variant,
      guidanceScale: "3",
      conditioningType: "text_sequence",
      sampler: "ddim",
      steps: "50",
    }))
      fd.append(k, v);
    fd.append("manifest", new Blob([manifest(samples)]), "manifest.jsonl");
    for (const s of samples) fd.append("images", new Blob([new Uint8Array(s.data)]), s.file);
    const res = await api.post("/api/v1/runs", { multipart: fd, headers: { Authorization: `Bearer ${key}` } });
    expect(res.status(), await res.text()).toBe(202);
    const id = (await res.json()).id as string;
    await expect
      .poll(async () => (await (await api.get(`/api/v1/runs/${id}`)).json()).status, {
        timeout: 60_000,
        intervals: [250, 500, 1000],
      })
      .toBe("scored");
    const run = await (await api.get(`/api/v1/runs/${id}`)).json();
    expect(run.evaluator).toMatchObject({ id: fromCli.evaluator.id, isFixture: false, warning: TOY_WARNING });
    expect(run.metrics.run.clipScore).toBeCloseTo(fromCli.summary.clipScore, 6);
    for (const g of fromCli.groups as Array<{ group: string; clipScore: number; diversity: number }>) {
      const p = run.metrics.prompts.find((x: { prompt: string }) => x.prompt === g.group);
      expect(p, g.group).toBeDefined();
      expect(p.clipScore).toBeCloseTo(g.clipScore, 6);
      expect(p.diversity).toBeCloseTo(g.diversity, 6);
    }
    const listed = await (await api.get(`/api/v1/runs?variant=${variant}`)).json();
    expect(listed.runs[0].evaluator).toMatchObject({ id: fromCli.evaluator.id, warning: TOY_WARNING });
  });

  test("the scores mean something: each image matches its own prompt better than a rotated one", async () => {
    const right = await metricsApi(manifest(samples));
    const rotated = await metricsApi(
      manifest(samples, (s) => PROMPTS[(PROMPTS.findIndex(([p]) => p === s.prompt) + 1) % PROMPTS.length]![0]),
    );
    right.items.forEach((item: { cosine: number }, i: number) =>
      expect(item.cosine).toBeGreaterThan(rotated.items[i].cosine),
    );
  });
});
