// `npm run toy:experiment -- --server URL` end to end at a reduced size, against a service started
// here with the toy evaluator on its own port and data folder: the four variants' runs are made
// by real `gpu-worker --engine toy` processes through the normal protocol (requests, tasks,
// leases, uploads, scoring), land on GET /api/v1/leaderboard with a ranking, and the document is
// written. A service without the toy evaluator (the suite's main one) is refused at once.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { uniqueName } from "../helpers";
import { ENTRY_POINTS } from "../../lib/core/entry-points";

const PORT = Number(process.env.E2E_TOY_EXPERIMENT_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 1002);
const DATA_DIR = ".cache/e2e-toy-experiment-data";
const VARIANTS = ["toy-clip-image", "toy-clip-image+text", "toy-clip-text", "toy-text-sequence"];

let server: ChildProcess;
let api: APIRequestContext;
let env: NodeJS.ProcessEnv;
let outDir: string;

/** Runs the experiment CLI to its end; its exit code and output. */
function experiment(args: string[], extraEnv: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", ENTRY_POINTS.toyExperiment, ...args], {
      env: { ...process.env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  env = {
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
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), "toy-experiment-e2e-"));
});

test.afterAll(async () => {
  await api?.dispose();
  if (server?.pid) server.kill("SIGTERM");
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

test("refuses a service that does not score with the toy evaluator, saying how to start one", async ({ baseURL }) => {
  const { code, out } = await experiment(
    [
      "--server",
      baseURL!,
      "--prompts",
      "1",
      "--guidance",
      "1",
      "--samples",
      "2",
      "--out",
      path.join(outDir, "refused.md"),
    ],
    { T2I_API_KEY: "t2i_unused", T2I_WORKER_TOKEN: "t2iw_unused" },
  );
  expect(code, out).toBe(1);
  expect(out).toMatch(/not the toy evaluator/);
  expect(out).toMatch(/T2I_MODEL_DIR=toy npm start/);
  expect(fs.existsSync(path.join(outDir, "refused.md"))).toBe(false);
});

test("runs the reduced experiment against the service: four variants' runs on the leaderboard with a ranking, and the document", async () => {
  // About 25 s here (1.2 min for the spec with both servers' start): 4 variants × 2 guidance scales × 4 prompts × 4 samples, 10 DDIM steps, 2 workers.
  test.setTimeout(420_000);
  const key = /t2i_[A-Za-z0-9_-]+/.exec(
    execFileSync(
      process.execPath,
      ["--import", "tsx", ENTRY_POINTS.apikey, "create", "--name", uniqueName("toy-exp"), "--role", "submitter"],
      { env, encoding: "utf8" },
    ),
  )![0];
  const workerToken = /t2iw_[A-Za-z0-9_-]+/.exec(
    execFileSync(
      process.execPath,
      ["--import", "tsx", ENTRY_POINTS.workerToken, "create", "--name", uniqueName("toy-exp")],
      { env, encoding: "utf8" },
    ),
  )![0];
  const doc = path.join(outDir, "toy-experiment.md");
  const started = Date.now();
  const { code, out } = await experiment(
    [
      "--server",
      `http://127.0.0.1:${PORT}`,
      "--prompts",
      "2",
      "--guidance",
      "1,8",
      "--samples",
      "4",
      "--steps",
      "10",
      "--seed",
      "3",
      "--workers",
      "2",
      "--timeout-minutes",
      "5",
      "--out",
      doc,
    ],
    { T2I_API_KEY: key, T2I_WORKER_TOKEN: workerToken },
  );
  expect(code, out).toBe(0);
  console.log(`toy:experiment --server (reduced) took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  expect(out).toMatch(/started gpu-worker 2 of 2/);
  expect(out).toMatch(/generated \d+ \/ 128 samples, scored \d \/ 8 runs/);
  expect(out).toMatch(/generated 128 \/ 128 samples, scored 8 \/ 8 runs/);

  const board = await (await api.get("/api/v1/leaderboard?promptSet=toy-seed-experiment")).json();
  expect(board.evaluators).toHaveLength(1);
  const ours = board.evaluators[0];
  expect(ours.evaluator.name).toBe("t2i-eval/clip-toy-world");
  expect(ours.variants.map((v: { variant: { name: string } }) => v.variant.name).sort()).toEqual(VARIANTS);
  for (const v of ours.variants)
    expect(v.runs.map((r: { guidanceScale: number; n: number }) => [r.guidanceScale, r.n]).sort()).toEqual([
      [1, 16],
      [8, 16],
    ]);
  const ranked = ours.ranking.rows.filter((r: { position: number | null }) => r.position !== null);
  expect(ranked.map((r: { variant: string }) => r.variant).sort()).toEqual(VARIANTS);
  for (const r of ranked) expect(r.rank).toBeGreaterThanOrEqual(1);

  // The runs were made by the started workers over the protocol: their provenance names the toy engine.
  const runId = ours.variants[0].runs[0].runId;
  const run = await (await api.get(`/api/v1/runs/${runId}`)).json();
  expect(run.source).toBe("generated");
  expect(JSON.stringify(run.provenance)).toMatch(/"engine":"toy"/);

  const md = fs.readFileSync(doc, "utf8");
  expect(md).toMatch(/^# The toy seed experiment/);
  expect(md).toMatch(/Prompt set `toy-seed-experiment` v1: 4 held-out prompts/);
  for (const v of VARIANTS) expect(md).toContain(`| ${v} |`);
  expect(md).toMatch(/--server http:\/\/127\.0\.0\.1:\d+ --prompts 2/);
  expect(md).not.toMatch(/t2iw?_[A-Za-z0-9_-]{8,}/);
  for (const g of [1, 8])
    expect(fs.statSync(path.join(outDir, "toy-experiment", `samples-guidance-${g}.png`)).size).toBeGreaterThan(1000);
});
