// npm run bench:leaderboard: builds a synthetic scored board of V variants × R runs × P
// prompts, times its cold computation, then serves it with the product's server
// (server/next-server.mjs, as `npm start` does) and measures GET / under concurrent clients
// (p50/p95/p99, requests per second, HTML cache hits, server RSS).
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseCliArgs } from "../../lib/core/cli-args";
import { ENTRY_POINTS } from "../../lib/core/entry-points";
import { openDatabase } from "../../db/client";
import { migrate } from "../../db/migrate";
import { boardFingerprint, loadBoardInputs } from "../../lib/leaderboard/board-inputs";
import { rankVariants } from "../../lib/ranking/index";
import { gaussian, uniform } from "../../tools/test-support/metrics";

const PRESETS = {
  demo: { variants: 4, runs: 5, prompts: 12 },
  small: { variants: 20, runs: 10, prompts: 100 },
  large: { variants: 100, runs: 20, prompts: 200 },
} as const;

const HELP = `Usage: npm run bench:leaderboard -- [options]

Builds a fresh database in a temporary folder holding one prompt set scored by one
evaluator: V variants × R runs (a guidance sweep each) × P prompts, inserted as scored
rows (prompt_scores with cosine sums, run_scores), as scoring leaves them. Then:
  1. cold: computes the board once in this process (load + rank, B = 1000) and prints the time;
  2. serves the database with server/next-server.mjs (needs 'npx next build' first), times
     the first GET / (a large board is computed in the board thread: the page says so at once)
     and how long until GET / shows the computed board (the server's own cold computation),
     then runs C concurrent clients against GET / for D seconds and prints p50/p95/p99
     latency, requests per second, the share answered from the HTML cache and the server's
     resident memory (current and peak).
The machine's other load shows in the figures: say how busy it was when quoting them.

Options:
  --preset NAME       demo (4×5×12), small (20×10×100) or large (100×20×200; default small)
  --variants N, --runs N, --prompts N   override the preset's sizes
  --connections C     concurrent clients (default 50)
  --duration D        seconds of load (default 30)
  --port N            port for the server (default 3199)
  --cold-only         skip the server (step 2)
  --keep              keep the temporary database folder and print its path
  -h, --help          this text
`;

type Sizes = { variants: number; runs: number; prompts: number };

const EVALUATOR = "bench-evaluator@0";
const SET_ID = "ps_bench";

/** Inserts the board through raw prepared statements (the shape score-run.ts writes). */
function buildDatabase(file: string, s: Sizes): void {
  const db = openDatabase(file);
  migrate(db);
  const c = db.$client;
  const u = uniform(1);
  c.transaction(() => {
    c.prepare("insert into evaluators (id, name, variant, is_fixture, files) values (?, 'bench', 'fp32', 1, '[]')").run(
      EVALUATOR,
    );
    c.prepare("insert into prompt_sets (id, name, version) values (?, 'bench', 1)").run(SET_ID);
    const insPrompt = c.prepare(
      "insert into prompts (prompt_set_id, prompt_key, text, position) values (?, ?, ?, ?) returning id",
    );
    const promptIds = Array.from(
      { length: s.prompts },
      (_, p) => (insPrompt.get(SET_ID, `p${p}`, `bench prompt ${p}`, p) as { id: number }).id,
    );
    const effect = Array.from({ length: s.prompts }, () => [3 * gaussian(u), 0.05 * gaussian(u)] as const);
    const insVariant = c.prepare("insert into variants (id, name, conditioning_type) values (?, ?, 'text_sequence')");
    const insRun = c.prepare(
      "insert into runs (id, variant_id, prompt_set_id, guidance_scale, source, status, fingerprint, evaluator_id) values (?, ?, ?, ?, 'uploaded', 'scored', ?, ?)",
    );
    const insPromptScore = c.prepare(
      "insert into prompt_scores (run_id, prompt_id, evaluator_id, n, failed, cos_sum, clip_score, clip_s, diversity, metric_versions) values (?, ?, ?, 4, 0, ?, ?, ?, ?, '{}')",
    );
    const insRunScore = c.prepare(
      "insert into run_scores (run_id, evaluator_id, n, failed, groups, clip_score, clip_s, diversity, vendi, diversity_groups, ci, metric_versions) values (?, ?, ?, 0, ?, ?, ?, ?, null, ?, ?, '{}')",
    );
    const ci = JSON.stringify({ clipScore: null, clipS: null, diversity: null, vendi: null });
    for (let v = 0; v < s.variants; v++) {
      const vid = `var_bench_${v}`;
      insVariant.run(vid, `bench-variant-${String(v).padStart(3, "0")}`);
      const shift = 2 * gaussian(u);
      for (let r = 0; r < s.runs; r++) {
        const g = 1 + (11 * r) / Math.max(1, s.runs - 1);
        const rid = `run_bench_${v}_${r}`;
        insRun.run(rid, vid, SET_ID, g, rid, EVALUATOR);
        let cos = 0;
        let div = 0;
        for (let p = 0; p < s.prompts; p++) {
          const clip = 20 + 12 * (1 - Math.exp(-g / 4)) + shift + effect[p]![0] + 2 * gaussian(u);
          const d = Math.min(2, Math.max(0, 0.25 + 0.35 * Math.exp(-g / 5) + effect[p]![1] + 0.03 * gaussian(u)));
          const cosSum = (4 * clip) / 100;
          insPromptScore.run(rid, promptIds[p], EVALUATOR, cosSum, Math.max(clip, 0), (2.5 * clip) / 100, d);
          cos += cosSum;
          div += d;
        }
        insRunScore.run(
          rid,
          EVALUATOR,
          4 * s.prompts,
          s.prompts,
          Math.max((100 * cos) / (4 * s.prompts), 0),
          (2.5 * cos) / (4 * s.prompts),
          div / s.prompts,
          s.prompts,
          ci,
        );
      }
    }
  })();
  c.close();
}

/** One GET; the body is kept only when `keepBody` (the load phase discards it, as a client's socket would). */
function get(
  port: number,
  agent: http.Agent,
  pathName: string,
  keepBody = false,
): Promise<{ ms: number; status: number; body: string; cache: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: pathName, agent }, (res) => {
      let body = "";
      if (keepBody) {
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
      } else res.resume();
      res.on("end", () =>
        resolve({
          ms: performance.now() - t0,
          status: res.statusCode ?? 0,
          body,
          cache: String(res.headers["x-page-cache"] ?? ""),
        }),
      );
    });
    req.on("error", reject);
  });
}

async function waitForServer(port: number, child: ReturnType<typeof spawn>): Promise<void> {
  const agent = new http.Agent();
  for (let k = 0; k < 600; k++) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      await get(port, agent, "/api/v1/health");
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error("the server did not start within 120 s");
}

function rssMB(pid: number): { now: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { now: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function load(port: number, connections: number, seconds: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let hits = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const r = await get(port, agent, "/").catch(() => ({ ms: NaN, status: 0, cache: "" }));
        if (r.cache === "hit") hits++;
        if (r.status === 200) latencies.push(r.ms);
        else errors++;
      }
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    hits,
    perSecond: latencies.length / seconds,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
  };
}

async function main() {
  const { values } = parseCliArgs(
    {
      options: {
        preset: { type: "string", default: "small" },
        variants: { type: "string" },
        runs: { type: "string" },
        prompts: { type: "string" },
        connections: { type: "string", default: "50" },
        duration: { type: "string", default: "30" },
        port: { type: "string", default: "3199" },
        "cold-only": { type: "boolean", default: false },
        keep: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    },
    { script: "bench:leaderboard", usage: HELP },
  );
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const preset = PRESETS[values.preset as keyof typeof PRESETS];
  if (!preset) throw new Error(`unknown preset "${values.preset}" (demo, small, large)`);
  const int = (v: string | undefined, d: number, what: string) => {
    const n = v === undefined ? d : Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${v}`);
    return n;
  };
  const sizes: Sizes = {
    variants: int(values.variants, preset.variants, "--variants"),
    runs: int(values.runs, preset.runs, "--runs"),
    prompts: int(values.prompts, preset.prompts, "--prompts"),
  };
  const connections = int(values.connections, 50, "--connections");
  const duration = int(values.duration, 30, "--duration");
  const port = int(values.port, 3199, "--port");

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-bench-board-"));
  const file = path.join(dir, "t2i.sqlite");
  console.log(
    `board: ${sizes.variants} variants × ${sizes.runs} runs × ${sizes.prompts} prompts (${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)})`,
  );
  let t0 = performance.now();
  buildDatabase(file, sizes);
  console.log(`database built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const db = openDatabase(file);
  const scope = { promptSetId: SET_ID, evaluatorId: EVALUATOR, includeDemo: true };
  t0 = performance.now();
  const inputs = loadBoardInputs(db, scope);
  const tLoad = performance.now() - t0;
  const ranking = rankVariants(inputs.inputs);
  const tRank = performance.now() - t0 - tLoad;
  t0 = performance.now();
  boardFingerprint(db, scope);
  const tFingerprint = performance.now() - t0;
  db.$client.close();
  console.log(
    `cold computation: ${((tLoad + tRank) / 1000).toFixed(2)} s (loading ${(tLoad / 1000).toFixed(2)} s, ranking ${(tRank / 1000).toFixed(2)} s; ${ranking.ranked.length} ranked, ${ranking.pairs.length} pairs, B = ${ranking.settings.B}); fingerprint query ${tFingerprint.toFixed(1)} ms`,
  );

  if (!values["cold-only"]) {
    if (!fs.existsSync(path.join(process.cwd(), ".next", "BUILD_ID")))
      throw new Error("no production build: run 'npx next build' first (or pass --cold-only)");
    const child = spawn(
      process.execPath,
      [path.join(process.cwd(), ENTRY_POINTS.nextServer), "--port", String(port), "--host", "127.0.0.1"],
      {
        env: {
          ...process.env,
          T2I_DATA_DIR: dir,
          T2I_INPROCESS_WORKER: "0",
          T2I_RATE_LIMIT_READS_PER_MIN: "0",
          NODE_ENV: "production",
        },
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    try {
      await waitForServer(port, child);
      const agent = new http.Agent();
      const t1 = performance.now();
      const first = await get(port, agent, "/", true);
      const computing = first.body.includes('data-testid="board-updating"');
      let ready = first;
      while (ready.status === 200 && ready.body.includes('data-testid="board-updating"')) {
        await new Promise((r) => setTimeout(r, 250));
        ready = await get(port, agent, "/", true);
      }
      console.log(`server: first GET / (${(Buffer.byteLength(ready.body) / 1024).toFixed(0)} KB when shown)`);
      console.log(
        `server: first GET / (status ${first.status}${computing ? ', "being computed"' : ""}) ${(first.ms / 1000).toFixed(2)} s; board shown after ${((performance.now() - t1) / 1000).toFixed(2)} s; RSS ${rssMB(child.pid!).now.toFixed(0)} MB`,
      );
      const r = await load(port, connections, duration);
      const mem = rssMB(child.pid!);
      console.log(
        `GET / with ${connections} clients for ${duration} s: ${r.requests} requests (${r.errors} errors), ${r.perSecond.toFixed(1)} req/s (${((100 * r.hits) / Math.max(1, r.requests)).toFixed(0)}% from the HTML cache); p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms; server RSS ${mem.now.toFixed(0)} MB (peak ${mem.peak.toFixed(0)} MB)`,
      );
    } finally {
      child.kill("SIGTERM");
    }
  }
  if (values.keep) console.log(`database kept in ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
