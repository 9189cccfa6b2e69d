// npm run bench:cluster: what scaling out costs and buys (issue 21). Today: scoring throughput of
// a remote worker (`npm run worker -- --server URL`, over HTTP) against the local worker on the
// same machine, and of two remote workers against one. The PostgreSQL figures (GET / p95 with 50
// clients over two web servers) come with the async data layer (docs/decisions/0011-async-data-layer.md).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import sharp from "sharp";
import { closeDb, getDb } from "../../db/client";
import { migrate } from "../../db/migrate";
import { runs } from "../../db/schema";
import { createWorkerToken } from "../../lib/auth/worker-tokens";
import { parseCliArgs } from "../../lib/core/cli-args";
import { config, resetConfigForTests } from "../../lib/core/config";
import { ENTRY_POINTS } from "../../lib/core/entry-points";
import { createRun, type RunItem } from "../../lib/runs/create-run";
import { sha256OfFile } from "../../lib/storage/content-store";
import { PRESETS } from "../../tools/fixtures/clip/presets";
import { writeFixtureModel } from "../../tools/fixtures/clip/write-fixture-model";
import { photoLikePixels } from "../../tools/fixtures/test-images";
import { TEST_ENTRY_POINTS } from "../../tools/test-support/entry-points";

const HELP = `Usage: npm run bench:cluster -- [options]

Scores the same images (512×512 photo-like PNGs, 4 per prompt, nothing cached) four ways, each
in a fresh data folder, each worker its own process started with the evaluator loaded before the
clock starts (the clock is the runs' scoring start to their last finish, as the database records
them):
  local         npm run worker on the server's database (what the web server's queue thread does)
  remote        npm run worker -- --server URL: the same loop over HTTP against a server process
                (the worker API routes) on the same machine; target >= 90% of local
  remote ×1     one remote worker with 1 thread, on 4 runs
  remote ×2     two remote workers with 1 thread each, on the same 4 runs
and prints images/s of each, remote/local and ×2/×1, with the machine's load.

Options:
  --images N       images per way (default 128)
  --model DIR      model folder (default: <cache>/fixtures/clip-vit-b-32, written on first use;
                   ViT-B/32 sizes with random weights)
  --threads N      threads of the local and remote workers (default T2I_THREADS = ${config().threads})
  -h, --help       this text
`;

type Child = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function start(entry: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve(entry), ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return { child, output: () => out, exited: new Promise((r) => child.on("exit", (c) => r(c))) };
}

async function until<T>(
  what: string,
  fn: () => T | undefined | false,
  timeoutMs = 600_000,
  context: () => string = () => "",
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const WORDS = ["a", "green", "vase", "with", "red", "roses", "on", "a", "table", "photo", "corgi", "trumpet"];
const prompt = (i: number) =>
  Array.from({ length: 4 + (i % 7) }, (_, k) => WORDS[(i * 5 + k * 3) % WORDS.length]).join(" ") + ` #${i}`;

/** A fresh data folder, migrated, as this process's database. */
function freshDataDir(): string {
  closeDb();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cluster-"));
  process.env.T2I_DATA_DIR = dir;
  delete process.env.T2I_DB_PATH;
  resetConfigForTests();
  migrate();
  return dir;
}

/** Uploads the images as `runsOf` runs (queued); answers the run ids. */
async function upload(dir: string, files: string[], runsOf: number): Promise<string[]> {
  const runIds: string[] = [];
  const per = Math.ceil(files.length / runsOf);
  for (let r = 0; r < runsOf; r++) {
    const staging = path.join(dir, "staging", `bench-${r}`);
    fs.mkdirSync(staging, { recursive: true });
    const items: RunItem[] = [];
    for (const [i, f] of files.slice(r * per, (r + 1) * per).entries()) {
      const staged = path.join(staging, path.basename(f));
      fs.copyFileSync(f, staged);
      items.push({
        fileName: path.basename(f),
        prompt: prompt(Math.floor((r * per + i) / 4)),
        seed: i % 4,
        stagedPath: staged,
        sha256: await sha256OfFile(staged),
        bytes: fs.statSync(staged).size,
        width: 512,
        height: 512,
        format: "png",
      });
    }
    const { run } = await createRun({
      variant: "bench",
      createVariantIfMissing: { conditioningType: "other" },
      guidanceScale: 1 + r,
      source: "uploaded",
      items,
    });
    runIds.push(run.id);
  }
  return runIds;
}

/** Images/s from the runs' recorded scoring start to their last finish. */
function throughput(runIds: string[], images: number): number {
  const rows = getDb().select().from(runs).where(inArray(runs.id, runIds)).all();
  const startMs = Math.min(...rows.map((r) => r.startedAt!.getTime()));
  const endMs = Math.max(...rows.map((r) => r.finishedAt!.getTime()));
  return images / ((endMs - startMs) / 1000);
}

async function scoreWith(
  files: string[],
  opts: { remote: boolean; workers: number; threads: number; runs: number; modelDir: string },
): Promise<number> {
  const label = `${opts.remote ? "remote" : "local"} ×${opts.workers}, ${opts.threads} thread(s)`;
  process.stdout.write(`${label}: starting…\n`);
  const dir = freshDataDir();
  const env = { T2I_THREADS: String(opts.threads), T2I_DATA_DIR: dir, T2I_INPROCESS_WORKER: "0" };
  let server: Child | undefined;
  const args = ["--model", opts.modelDir];
  if (opts.remote) {
    const token = createWorkerToken(`bench-${Date.now()}`);
    // The server scores with the same evaluator (jobs need the service's evaluator).
    server = start(TEST_ENTRY_POINTS.serveRoutes, [], { T2I_DATA_DIR: dir, T2I_MODEL_DIR: opts.modelDir });
    const url = await until(
      "the server",
      () => /ready (\S+)/.exec(server!.output())?.[1],
      120_000,
      () => server!.output(),
    );
    process.stdout.write(`${label}: server at ${url}\n`);
    args.push("--server", url, "--token", token.secret);
    // A remote worker keeps nothing on disk: give it no data folder of the server's.
    env.T2I_DATA_DIR = path.join(dir, "remote-worker");
  }
  const workers = Array.from({ length: opts.workers }, (_, k) =>
    start(ENTRY_POINTS.worker, [...args, "--worker-id", `bench-${k}`], env),
  );
  // The runs are uploaded once every worker has its evaluator loaded and polls: the clock (the
  // runs' recorded scoring start) then measures scoring, not start-up.
  await until(
    "the workers to load the evaluator",
    () => {
      const dead = workers.find((w) => w.child.exitCode !== null || w.child.signalCode !== null);
      if (dead) throw new Error(`a worker exited (${dead.child.exitCode ?? dead.child.signalCode}):\n${dead.output()}`);
      return workers.every((w) => / on cpu|on cuda/.test(w.output()));
    },
    300_000,
    () => workers.map((w) => w.output()).join("\n"),
  );
  const runIds = await upload(dir, files, opts.runs);
  process.stdout.write(`${label}: workers ready, ${runIds.length} run(s) uploaded\n`);
  await until(
    "the runs to be scored",
    () => {
      const dead = workers.find((w) => w.child.exitCode !== null || w.child.signalCode !== null);
      if (dead) throw new Error(`a worker exited (${dead.child.exitCode ?? dead.child.signalCode}):\n${dead.output()}`);
      return runIds.every((id) => {
        const r = getDb().select({ status: runs.status }).from(runs).where(eq(runs.id, id)).get()!;
        if (r.status === "failed") throw new Error(`run ${id} failed:\n${workers.map((w) => w.output()).join("\n")}`);
        return r.status === "scored";
      });
    },
    600_000,
    () => [...workers, ...(server ? [server] : [])].map((w) => w.output()).join("\n"),
  );
  const rate = throughput(runIds, files.length);
  for (const w of [...workers, ...(server ? [server] : [])]) w.child.kill("SIGTERM");
  await Promise.all(workers.map((w) => w.exited));
  await server?.exited;
  closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
  return rate;
}

async function main() {
  const { values } = parseCliArgs(
    {
      options: {
        images: { type: "string", default: "128" },
        model: { type: "string" },
        threads: { type: "string", default: String(config().threads) },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    },
    { script: "bench:cluster", usage: HELP },
  );
  if (values.help) return void process.stdout.write(HELP);
  const n = Number(values.images);
  const threads = Number(values.threads);
  const modelDir = path.resolve(values.model ?? path.join(config().cacheDir, "fixtures", "clip-vit-b-32"));
  if (!fs.existsSync(path.join(modelDir, "onnx", "vision_model.onnx"))) {
    console.log(`writing the vit-b-32 fixture to ${modelDir} (once)…`);
    writeFixtureModel({ preset: PRESETS["vit-b-32"], outDir: modelDir, seed: 0, fp16: false });
  }
  const inputs = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cluster-inputs-"));
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(inputs, `img-${String(i).padStart(5, "0")}.png`);
    fs.writeFileSync(
      file,
      await sharp(photoLikePixels(512, 512, i + 1), { raw: { width: 512, height: 512, channels: 3 } })
        .png()
        .toBuffer(),
    );
    files.push(file);
  }
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  console.log(`${n} images 512×512 PNG, model ${modelDir}, ${os.cpus().length} cores (${os.cpus()[0]?.model})`);
  console.log(`load average before: ${load()}`);
  const local = await scoreWith(files, { remote: false, workers: 1, threads, runs: 1, modelDir });
  const remote = await scoreWith(files, { remote: true, workers: 1, threads, runs: 1, modelDir });
  const one = await scoreWith(files, { remote: true, workers: 1, threads: 1, runs: 4, modelDir });
  const two = await scoreWith(files, { remote: true, workers: 2, threads: 1, runs: 4, modelDir });
  console.log(`load average after:  ${load()}`);
  const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)}%`;
  console.log(`\nlocal worker       ${local.toFixed(2)} images/s  (${threads} threads)`);
  console.log(
    `remote worker      ${remote.toFixed(2)} images/s  (${threads} threads)   remote/local ${pct(remote, local)} (target >= 90%: ${remote / local >= 0.9 ? "met" : "NOT met"})`,
  );
  console.log(`remote ×1          ${one.toFixed(2)} images/s  (1 thread, 4 runs)`);
  console.log(
    `remote ×2          ${two.toFixed(2)} images/s  (1 thread each, 4 runs)   ×2/×1 ${(two / one).toFixed(2)}`,
  );
  console.log(
    `GET / p95, 50 clients over two web servers on PostgreSQL: not measured yet (needs the async data layer, docs/decisions/0011-async-data-layer.md)`,
  );
  fs.rmSync(inputs, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
