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

Scores photo-like 512×512 PNGs (4 per prompt, nothing cached) with four setups, each in its own
data folder with its workers started (evaluator loaded) before any clock runs:
  local         npm run worker on the server's database (what the web server's queue thread does)
  remote        npm run worker -- --server URL: the same loop over HTTP against a server process
                (the worker API routes) on the same machine; target >= 90% of local
  remote ×1     one remote worker with 1 thread, on 4 runs per round
  remote ×2     two remote workers with 1 thread each, on 4 runs per round
In each round every setup scores the same new images, one setup at a time, in an order that
alternates between rounds, so that load drifting on a shared machine falls on both sides of each
comparison. A setup's rate is images over its runs' recorded scoring start to last finish. Prints
each round's rates and the median ratios remote/local and ×2/×1, with the machine's load.

Options:
  --images N       images per setup and round (default 64)
  --rounds N       rounds (default 3)
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

/** Uploads the images as `runsOf` runs (queued) into this process's database; answers the run ids. */
async function upload(dir: string, files: string[], runsOf: number, guidanceBase: number): Promise<string[]> {
  const runIds: string[] = [];
  const per = Math.ceil(files.length / runsOf);
  for (let r = 0; r < runsOf; r++) {
    const staging = path.join(dir, "staging", `bench-${guidanceBase}-${r}`);
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
      guidanceScale: guidanceBase + r,
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

type Setup = {
  label: string;
  dir: string;
  workers: Child[];
  server?: Child;
  runsPerRound: number;
};

/** Points this process's database at `dir` (a setup's data folder). */
function useDataDir(dir: string): void {
  closeDb();
  process.env.T2I_DATA_DIR = dir;
  delete process.env.T2I_DB_PATH;
  resetConfigForTests();
}

/** A data folder with its server (remote) and workers, each evaluator loaded. */
async function startSetup(
  label: string,
  opts: { remote: boolean; workers: number; threads: number; runsPerRound: number; modelDir: string },
): Promise<Setup> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cluster-"));
  useDataDir(dir);
  migrate();
  const env: Record<string, string> = {
    T2I_THREADS: String(opts.threads),
    T2I_DATA_DIR: dir,
    T2I_INPROCESS_WORKER: "0",
  };
  const args = ["--model", opts.modelDir];
  let server: Child | undefined;
  if (opts.remote) {
    const token = createWorkerToken(`bench-${Date.now()}`);
    // The server scores with the same evaluator (jobs need the service's evaluator).
    server = start(TEST_ENTRY_POINTS.serveRoutes, [], { T2I_DATA_DIR: dir, T2I_MODEL_DIR: opts.modelDir });
    const url = await until(
      `${label}: the server`,
      () => /ready (\S+)/.exec(server!.output())?.[1],
      120_000,
      () => server!.output(),
    );
    args.push("--server", url, "--token", token.secret);
    // A remote worker keeps nothing on disk: give it no data folder of the server's.
    env.T2I_DATA_DIR = path.join(dir, "remote-worker");
  }
  const workers = Array.from({ length: opts.workers }, (_, k) =>
    start(ENTRY_POINTS.worker, [...args, "--worker-id", `bench-${k}`], env),
  );
  await until(
    `${label}: the workers to load the evaluator`,
    () => {
      checkAlive(workers);
      return workers.every((w) => / on cpu|on cuda/.test(w.output()));
    },
    300_000,
    () => workers.map((w) => w.output()).join("\n"),
  );
  process.stdout.write(`${label}: ready\n`);
  return { label, dir, workers, server, runsPerRound: opts.runsPerRound };
}

function checkAlive(workers: Child[]): void {
  const dead = workers.find((w) => w.child.exitCode !== null || w.child.signalCode !== null);
  if (dead) throw new Error(`a worker exited (${dead.child.exitCode ?? dead.child.signalCode}):\n${dead.output()}`);
}

/**
 * Uploads `files` to the setup as its runs, waits until they are scored; answers images/s and the
 * CPU milliseconds per image its processes (workers and server) used meanwhile, a figure that
 * other load on the machine does not inflate.
 */
async function round(setup: Setup, files: string[], guidanceBase: number): Promise<{ rate: number; cpuMs: number }> {
  useDataDir(setup.dir);
  const procs = [...setup.workers, ...(setup.server ? [setup.server] : [])];
  const cpu = () => procs.reduce((a, p) => a + cpuSeconds(p.child.pid), 0);
  const cpuBefore = cpu();
  const runIds = await upload(setup.dir, files, setup.runsPerRound, guidanceBase);
  await until(
    `${setup.label}: the runs to be scored`,
    () => {
      checkAlive(setup.workers);
      return runIds.every((id) => {
        const r = getDb().select({ status: runs.status }).from(runs).where(eq(runs.id, id)).get()!;
        if (r.status === "failed")
          throw new Error(`run ${id} failed:\n${setup.workers.map((w) => w.output()).join("\n")}`);
        return r.status === "scored";
      });
    },
    900_000,
    () => [...setup.workers, ...(setup.server ? [setup.server] : [])].map((w) => w.output()).join("\n"),
  );
  return { rate: throughput(runIds, files.length), cpuMs: ((cpu() - cpuBefore) * 1000) / files.length };
}

async function stopSetup(setup: Setup): Promise<void> {
  for (const w of [...setup.workers, ...(setup.server ? [setup.server] : [])]) w.child.kill("SIGTERM");
  await Promise.all([...setup.workers, ...(setup.server ? [setup.server] : [])].map((w) => w.exited));
  fs.rmSync(setup.dir, { recursive: true, force: true });
}

/** CPU seconds (user + system, all threads) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").pop()!.split(" ");
    // utime and stime are fields 14 and 15 of the line, counted in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const { values } = parseCliArgs(
    {
      options: {
        images: { type: "string", default: "64" },
        rounds: { type: "string", default: "3" },
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
  const rounds = Number(values.rounds);
  const threads = Number(values.threads);
  const modelDir = path.resolve(values.model ?? path.join(config().cacheDir, "fixtures", "clip-vit-b-32"));
  if (!fs.existsSync(path.join(modelDir, "onnx", "vision_model.onnx"))) {
    console.log(`writing the vit-b-32 fixture to ${modelDir} (once)…`);
    writeFixtureModel({ preset: PRESETS["vit-b-32"], outDir: modelDir, seed: 0, fp16: false });
  }
  const inputs = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cluster-inputs-"));
  const imagesOf = async (r: number) => {
    const files: string[] = [];
    for (let i = 0; i < n; i++) {
      const file = path.join(inputs, `r${r}-img-${String(i).padStart(5, "0")}.png`);
      fs.writeFileSync(
        file,
        await sharp(photoLikePixels(512, 512, r * 100_000 + i + 1), { raw: { width: 512, height: 512, channels: 3 } })
          .png()
          .toBuffer(),
      );
      files.push(file);
    }
    return files;
  };
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  console.log(
    `${n} images 512×512 PNG per setup and round, ${rounds} rounds, model ${modelDir}, ${os.cpus().length} cores (${os.cpus()[0]?.model})`,
  );
  console.log(`load average before: ${load()}`);
  const common = { modelDir, runsPerRound: 1 };
  const setups = {
    local: await startSetup("local", { ...common, remote: false, workers: 1, threads }),
    remote: await startSetup("remote", { ...common, remote: true, workers: 1, threads }),
    one: await startSetup("remote ×1", { ...common, remote: true, workers: 1, threads: 1, runsPerRound: 4 }),
    two: await startSetup("remote ×2", { ...common, remote: true, workers: 2, threads: 1, runsPerRound: 4 }),
  };
  const rates: Record<keyof typeof setups, number[]> = { local: [], remote: [], one: [], two: [] };
  const cpuMs: Record<keyof typeof setups, number[]> = { local: [], remote: [], one: [], two: [] };
  for (let r = 0; r < rounds; r++) {
    const files = await imagesOf(r);
    // Alternate who goes first, so drift in the machine's load falls on both sides.
    const order: (keyof typeof setups)[] =
      r % 2 === 0 ? ["local", "remote", "one", "two"] : ["remote", "local", "two", "one"];
    for (const k of order) {
      const res = await round(setups[k], files, 1 + r * 10);
      rates[k].push(res.rate);
      cpuMs[k].push(res.cpuMs);
    }
    console.log(
      `round ${r + 1}: local ${rates.local[r]!.toFixed(2)}, remote ${rates.remote[r]!.toFixed(2)}, ` +
        `remote ×1 ${rates.one[r]!.toFixed(2)}, remote ×2 ${rates.two[r]!.toFixed(2)} images/s; ` +
        `CPU per image: local ${cpuMs.local[r]!.toFixed(0)} ms, remote ${cpuMs.remote[r]!.toFixed(0)} ms (worker + server) (load ${load()})`,
    );
  }
  for (const s of Object.values(setups)) await stopSetup(s);
  closeDb();
  fs.rmSync(inputs, { recursive: true, force: true });
  console.log(`load average after:  ${load()}`);
  const ratio = median(rates.remote.map((x, i) => x / rates.local[i]!));
  const scale = median(rates.two.map((x, i) => x / rates.one[i]!));
  console.log(`\nlocal worker       ${median(rates.local).toFixed(2)} images/s median (${threads} threads)`);
  console.log(`remote worker      ${median(rates.remote).toFixed(2)} images/s median (${threads} threads)`);
  console.log(
    `remote/local       ${(ratio * 100).toFixed(1)}% median of the rounds' ratios (target >= 90%: ${ratio >= 0.9 ? "met" : "NOT met"})`,
  );
  const cpuRatio = median(cpuMs.remote.map((x, i) => x / cpuMs.local[i]!));
  console.log(
    `CPU per image      local ${median(cpuMs.local).toFixed(0)} ms, remote ${median(cpuMs.remote).toFixed(0)} ms (worker + server); ` +
      `local/remote ${((1 / cpuRatio) * 100).toFixed(1)}% median: the throughput ratio on a machine the setup has to itself`,
  );
  console.log(`remote ×1          ${median(rates.one).toFixed(2)} images/s median (1 thread)`);
  console.log(`remote ×2          ${median(rates.two).toFixed(2)} images/s median (1 thread each)`);
  console.log(`×2/×1              ${scale.toFixed(2)} median of the rounds' ratios`);
  console.log(
    "GET / p95, 50 clients over two web servers on PostgreSQL: not measured yet (needs the async data layer, docs/decisions/0011-async-data-layer.md)",
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
