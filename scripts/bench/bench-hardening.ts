// npm run bench:hardening: the figures issue 22 asks for, measured against a real server (the
// production build, run by server/next-server.mjs on a fresh data folder with the bundled test
// evaluator):
//   lock   another process holds SQLite's write lock for N s (8 and 60): /api/v1/health latency
//          and status meanwhile, what a write answers, and how long a new 6-image upload takes
//          to be scored afterwards (no restart).
//   page   a run at the limits (1,990 prompts of 10,000 characters, 19,900 samples): the run
//          page's size and time; then five parallel samples-CSV exports: the server's peak RSS,
//          their time and size, and health latency meanwhile.
//   queue  50 scored runs, then a global reference set queues a comparison for each: how long a
//          new 6-image upload takes to be scored, against the same upload on an idle queue, and
//          how long the comparisons take to drain.
// Prints the figures; asserts nothing. `next build` first.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseCliArgs } from "../../lib/core/cli-args";

const HELP = `Usage: npm run bench:hardening -- [--only lock,page,queue] [--lock-seconds 8,60] [--port 3199] [--model DIR] [--model-variant fp32|quantized]

Starts the production build on a fresh data folder and measures: health and writes while
another process holds the database's write lock; the run page and five parallel CSV exports of a
19,900-sample run; scoring latency of an upload behind 50 queued reference-set comparisons.
--model picks the evaluator (default: the bundled test evaluator, 16-dim embeddings; the
ViT-B/32-sized fixture, npm run fixture:model -- --preset vit-b-32, makes comparisons cost what
they cost with the real model's 512-dim embeddings).
`;

const { values } = parseCliArgs(
  {
    options: {
      only: { type: "string", default: "lock,page,queue" },
      "lock-seconds": { type: "string", default: "8,60" },
      port: { type: "string", default: "3199" },
      model: { type: "string", default: "fixture" },
      "model-variant": { type: "string", default: "fp32" },
      help: { type: "boolean", short: "h" },
    },
  },
  { script: "bench:hardening", usage: HELP },
);
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const PORT = Number(values.port);
const BASE = `http://127.0.0.1:${PORT}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-bench-hardening-"));
Object.assign(process.env, {
  T2I_DATA_DIR: dataDir,
  T2I_MODEL_DIR: values.model!,
  T2I_MODEL_VARIANT: values["model-variant"]!,
  T2I_JOB_POLL_MS: "200",
  T2I_RATE_LIMIT_WRITES_PER_MIN: "0",
  T2I_RATE_LIMIT_READS_PER_MIN: "0",
});

// Imported after the environment is set: config() reads it once.
const { config } = await import("../../lib/core/config");
const { migrate } = await import("../../db/migrate");
const { createApiKey } = await import("../../lib/auth/api-keys");
const { ENTRY_POINTS } = await import("../../lib/core/entry-points");
const { TEST_ENTRY_POINTS } = await import("../../tools/test-support/entry-points");
const { insertLargeRun } = await import("../../tools/test-support/large-run");
const { drawShapePng, SHAPES } = await import("../../tools/fixtures/draw-shape");

const ms = (t: number) => `${t.toFixed(0)} ms`;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};

async function timed(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; ms: number; bytes: number; body: string }> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { status: res.status, ms: performance.now() - t0, bytes: Buffer.byteLength(body), body };
}

/** Resident memory of a process in bytes (Linux /proc). */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Polls health every `every` ms until `stop()`; latencies and statuses. */
function pollHealth(stop: () => boolean, every = 100) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const states = new Set<string>();
  const done = (async () => {
    while (!stop()) {
      const r = await timed(`${BASE}/api/v1/health`).catch(() => ({ status: 0, ms: NaN, bytes: 0, body: "" }));
      latencies.push(r.ms);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      try {
        for (const l of JSON.parse(r.body).scoring?.loops ?? []) states.add(l.state);
      } catch {
        // not JSON (a failed request)
      }
      await sleep(every);
    }
  })();
  return { latencies, statuses, states, done };
}

const summary = (xs: number[]) =>
  `n = ${xs.length}, median ${ms(pct(xs, 0.5))}, p95 ${ms(pct(xs, 0.95))}, max ${ms(Math.max(...xs))}`;

let sampleSalt = 1;
/** A multipart upload of `n` images (one prompt per 3 images) for `variant`. */
async function runForm(variant: string, n = 6, guidance = 3): Promise<FormData> {
  const fd = new FormData();
  const rows: string[] = [];
  fd.append("variant", variant);
  fd.append("guidanceScale", String(guidance));
  fd.append("conditioningType", "text_sequence");
  const salt = sampleSalt++ * 1000;
  const images: [string, Buffer][] = [];
  for (let i = 0; i < n; i++) {
    const name = `s${i}.png`;
    const prompt = ["a red square", "a blue circle"][i % 2]!;
    rows.push(JSON.stringify({ file: name, prompt, seed: salt + i }));
    images.push([name, await drawShapePng({ shape: SHAPES[i % 4]!, color: "red", seed: salt + i })]);
  }
  fd.append("manifest", new Blob([rows.join("\n") + "\n"]), "manifest.jsonl");
  for (const [name, png] of images) fd.append("images", new Blob([new Uint8Array(png)]), name);
  return fd;
}

async function upload(key: string, variant: string, n = 6, guidance = 3): Promise<{ id: string; at: number }> {
  const fd = await runForm(variant, n, guidance);
  const at = performance.now();
  const res = await fetch(`${BASE}/api/v1/runs`, {
    method: "POST",
    body: fd,
    headers: { authorization: `Bearer ${key}` },
  });
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  return { id: ((await res.json()) as { id: string }).id, at };
}

async function scoredAfter(id: string, since: number, timeoutMs = 600_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = (await (await fetch(`${BASE}/api/v1/runs/${id}`)).json()) as { status: string; error?: string };
    if (r.status === "scored") return performance.now() - since;
    if (r.status === "failed") throw new Error(`run ${id} failed: ${r.error}`);
    if (Date.now() > end) throw new Error(`run ${id} not scored after ${timeoutMs} ms`);
    await sleep(50);
  }
}

function holdLock(seconds: number): Promise<{ released: Promise<void> }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.resolve(TEST_ENTRY_POINTS.holdWriteLock), config().dbPath, String(seconds * 1000)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const released = new Promise<void>((r) => child.on("exit", () => r()));
  return new Promise((resolve) =>
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("locked") && resolve({ released })),
  );
}

async function lockBench(key: string, seconds: number) {
  console.log(`\n== another process holds the write lock for ${seconds} s`);
  const { released } = await holdLock(seconds);
  const t0 = performance.now();
  let over = false;
  const health = pollHealth(() => over);
  const writes: { status: number; ms: number; retryAfter: string | null }[] = [];
  const writer = (async () => {
    for (let i = 0; !over; i++) {
      const t = performance.now();
      const res = await fetch(`${BASE}/api/v1/variants`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ name: `lock-${seconds}-${i}-${Date.now()}`, conditioningType: "text_sequence" }),
      });
      await res.text();
      writes.push({ status: res.status, ms: performance.now() - t, retryAfter: res.headers.get("retry-after") });
      await sleep(500);
    }
  })();
  await released;
  over = true;
  await Promise.all([health.done, writer]);
  console.log(`lock held ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(
    `health: ${summary(health.latencies)}; statuses ${JSON.stringify(Object.fromEntries(health.statuses))}; loop states seen ${[...health.states].join(", ")}`,
  );
  const byStatus = new Map<number, number[]>();
  for (const w of writes) byStatus.set(w.status, [...(byStatus.get(w.status) ?? []), w.ms]);
  for (const [status, l] of byStatus)
    console.log(
      `writes answered ${status}: ${summary(l)}${status === 503 ? `, Retry-After ${writes.find((w) => w.status === 503)?.retryAfter} s` : ""}`,
    );
  const up = await upload(key, `after-lock-${seconds}`);
  const took = await scoredAfter(up.id, up.at);
  const h = JSON.parse((await timed(`${BASE}/api/v1/health`)).body);
  console.log(
    `after the lock: a 6-image upload scored in ${ms(took)}; health ${h.status}, loop ${h.scoring.loops.map((l: { state: string; restarts: number }) => `${l.state}, ${l.restarts} restarts`).join("; ")}`,
  );
}

async function pageBench(serverPid: number) {
  console.log("\n== a run at the limits: 1,990 prompts of 10,000 characters, 19,900 samples");
  const t = performance.now();
  const big = insertLargeRun();
  console.log(`inserted in ${ms(performance.now() - t)}; server RSS before: ${mb(rss(serverPid))}`);
  for (const [label, url] of [
    ["run page (first view)", `/runs/${big.runId}`],
    ["run page (again)", `/runs/${big.runId}`],
    ["run page 40, sorted by CLIP score", `/runs/${big.runId}?sort=clipScore&dir=desc&page=40`],
  ] as const) {
    const r = await timed(`${BASE}${url}`);
    console.log(`${label}: ${r.status}, ${mb(r.bytes)} (${r.bytes} bytes) in ${ms(r.ms)}`);
  }
  let over = false;
  let peak = rss(serverPid);
  const sampler = setInterval(() => (peak = Math.max(peak, rss(serverPid))), 100);
  const health = pollHealth(() => over);
  const t0 = performance.now();
  const exports = await Promise.all(
    Array.from({ length: 5 }, () => timed(`${BASE}/api/v1/runs/${big.runId}/samples?format=csv`)),
  );
  over = true;
  clearInterval(sampler);
  await health.done;
  console.log(
    `5 parallel samples CSVs: ${exports.map((e) => e.status).join(",")}, ${mb(exports[0]!.bytes)} each, all done in ${ms(performance.now() - t0)} (each ${exports.map((e) => ms(e.ms)).join(", ")})`,
  );
  console.log(`server peak RSS during the exports: ${mb(peak)}; health meanwhile: ${summary(health.latencies)}`);
}

async function queueBench(keys: { a: string; b: string; c: string }) {
  console.log("\n== scoring an upload behind a global reference set's comparisons");
  const runs: { id: string; at: number }[] = [];
  for (let i = 0; i < 50; i++) runs.push(await upload(keys.a, "queue-base", 6, 1 + i / 10));
  for (const r of runs) await scoredAfter(r.id, r.at);
  const idle = await upload(keys.c, "queue-new", 6, 2);
  const idleMs = await scoredAfter(idle.id, idle.at);
  console.log(`50 runs scored; a new 6-image upload on an idle queue scored in ${ms(idleMs)}`);
  const fd = new FormData();
  fd.append("name", `global-${Date.now()}`);
  const rows: string[] = [];
  for (let i = 0; i < 64; i++) {
    rows.push(JSON.stringify({ file: `r${i}.png`, prompt: "a photo" }));
    fd.append(
      "images",
      new Blob([new Uint8Array(await drawShapePng({ shape: SHAPES[i % 4]!, color: "blue", seed: 50_000 + i }))]),
      `r${i}.png`,
    );
  }
  fd.append("manifest", new Blob([rows.join("\n") + "\n"]), "manifest.jsonl");
  const ref = await fetch(`${BASE}/api/v1/reference-sets`, {
    method: "POST",
    body: fd,
    headers: { authorization: `Bearer ${keys.b}` },
  });
  const refBody = (await ref.json()) as { queuedRuns?: number };
  if (ref.status !== 201)
    throw new Error(`the reference set upload answered ${ref.status}: ${JSON.stringify(refBody)}`);
  const queuedAt = performance.now();
  console.log(`global reference set (64 images): ${ref.status}, ${refBody.queuedRuns} comparisons queued`);
  const loaded = await upload(keys.c, "queue-new", 6, 4);
  const loadedMs = await scoredAfter(loaded.id, loaded.at);
  console.log(`a new 6-image upload with the comparisons queued scored in ${ms(loadedMs)}`);
  for (;;) {
    const h = JSON.parse((await timed(`${BASE}/api/v1/health`)).body);
    if ((h.scoring.queue.queuedByLane.bulk ?? 0) === 0 && h.scoring.queue.liveLeases === 0) break;
    await sleep(200);
  }
  console.log(
    `the comparisons drained ${ms(performance.now() - queuedAt)} after they were queued (first in, first out, the upload would have waited about that long)`,
  );
}

async function main() {
  const only = new Set(values.only!.split(","));
  migrate();
  const admin = createApiKey("bench-admin", "admin").secret;
  const keys = {
    a: createApiKey("bench-a", "submitter").secret,
    b: createApiKey("bench-b", "submitter").secret,
    c: createApiKey("bench-c", "submitter").secret,
  };
  const server: ChildProcess = spawn(
    process.execPath,
    [ENTRY_POINTS.nextServer, "--port", String(PORT), "--host", "127.0.0.1"],
    {
      env: process.env,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  try {
    const end = Date.now() + 120_000;
    for (;;) {
      const s = await fetch(`${BASE}/api/v1/health`).then(
        (r) => r.status,
        () => 0,
      );
      if (s === 200) break;
      if (Date.now() > end) throw new Error("the server did not answer /api/v1/health with 200 in 120 s");
      await sleep(500);
    }
    console.log(
      `server pid ${server.pid} on ${BASE}; data ${dataDir}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")} on ${os.availableParallelism()} cores`,
    );
    if (only.has("lock")) for (const s of values["lock-seconds"]!.split(",").map(Number)) await lockBench(admin, s);
    if (only.has("page")) await pageBench(server.pid!);
    if (only.has("queue")) await queueBench(keys);
    console.log(
      `\nload average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
