// npm run toy:experiment: the toy seed experiment end to end, in this process on its own data
// folder (lib/demo/run-toy-experiment.ts) or against a running service through its REST API
// (--server, tools/toy/remote/run-remote-toy-experiment.ts), then docs/toy-experiment.md.
import fs from "node:fs";
import path from "node:path";
import { parseCliArgs } from "../../lib/core/cli-args";
import { z } from "zod";
import { closeDb } from "../../db/client";
import { migrate } from "../../db/migrate";
import { checkOptions } from "../../tools/toy/check-options";
import { writeExperimentDoc } from "../../tools/toy/experiment-doc";
import { runToyExperiment } from "../../lib/demo/run-toy-experiment";
import { config } from "../../lib/core/config";
import { ServiceRefusal, ServiceUnreachable } from "../../tools/toy/remote/service-client";
import {
  runRemoteToyExperiment,
  ToyExperimentError,
  TOY_SERVICE_HINT,
} from "../../tools/toy/remote/run-remote-toy-experiment";

const HELP = `Usage: npm run toy:experiment -- [--data-dir DIR] [sweep options]                   (in this process)
       npm run toy:experiment -- --server URL [--token KEY] [--worker-token T] [--workers N]
                                   [--threads N] [--timeout-minutes M] [sweep options]  (against a service)

The toy seed experiment through the product: it registers the four toy variants
(toy-text-sequence, toy-clip-text, toy-clip-image, toy-clip-image+text) and a prompt set of
held-out underspecified and compositional prompts ("toy-seed-experiment"), requests a guidance
sweep per variant through the generation protocol, generates every task with the toy engine,
scores the runs with the toy evaluator through the scoring queue, reads the runs and the ranked
leaderboard back, and writes the document with sample grids next to it.

In this process (no --server): on a fresh data folder (its own SQLite database and image store,
evaluator = the toy CLIP). Start the service on the same folder afterwards to browse the board:
T2I_DATA_DIR=DIR T2I_MODEL_DIR=toy npm start.
  --data-dir DIR   data folder; must not hold a database yet (default data/toy-experiment-<time>)

Against a running service (--server), through its REST API only: the service must score with
the toy evaluator (${TOY_SERVICE_HINT}); the variants and the prompt set are reused when they
exist by name. This command starts N \`npm run gpu-worker -- --engine toy\` processes that claim
the tasks over the worker protocol, shows progress until every run is scored, stops them, and
reads the runs and the board back over the API.
  --server URL     the service, e.g. http://localhost:3000
  --token KEY      API key t2i_… (admin or submitter) for the variants, prompt set and generations
                   (default T2I_API_KEY; prefer the variable: arguments show in ps). On the
                   server: npm run apikey -- create --name toy --role submitter
  --worker-token T worker token t2iw_… for the started workers (default T2I_WORKER_TOKEN). The
                   service issues them on its own machine only: npm run worker-token -- create --name toy
  --workers N      gpu-worker processes to start (default 2)
  --threads N      onnxruntime threads per worker (default 1)
  --timeout-minutes M  give up when generation and scoring take longer (default 30); the
                   generations are then cancelled. Also stops at once, cancelling them, when a
                   worker exits or a run fails.

Sweep options (both modes):
  --prompts N      prompts per type (default 8: 8 underspecified + 8 compositional)
  --guidance L     comma-separated guidance scales (default 1,1.5,2,3,4,6,8)
  --samples N      samples per prompt (default 8)
  --steps N        DDIM steps (default 25)
  --seed N         request seed (default 0)
  --out FILE       the document (default docs/toy-experiment.md); grids go to <dir>/toy-experiment/
  -h, --help       this text

Exit code 0 when the document is written, 1 when the experiment fails, 2 on bad arguments.
`;

const optionsSchema = z.object({
  dataDir: z.string().min(1),
  prompts: z.coerce.number().int().min(1).max(100),
  guidance: z.array(z.coerce.number().min(0).max(100)).min(1).max(20),
  samples: z.coerce.number().int().min(2).max(64),
  steps: z.coerce.number().int().min(1).max(1000),
  seed: z.coerce.number().int().min(0).max(0xffffffff),
  out: z.string().min(1),
});

const sweepDefaults = (values: {
  prompts?: string;
  guidance?: string;
  samples?: string;
  steps?: string;
  seed?: string;
  out?: string;
}) => ({
  prompts: values.prompts ?? 8,
  guidance: (values.guidance ?? "1,1.5,2,3,4,6,8").split(","),
  samples: values.samples ?? 8,
  steps: values.steps ?? 25,
  seed: values.seed ?? 0,
  out: values.out ?? path.join("docs", "toy-experiment.md"),
});

const remoteSchema = optionsSchema.omit({ dataDir: true }).extend({
  server: z.url({ protocol: /^https?$/ }),
  token: z.string().min(1, "give --token or set T2I_API_KEY (an admin or submitter API key)"),
  workerToken: z
    .string()
    .min(1, "give --worker-token or set T2I_WORKER_TOKEN (on the server: npm run worker-token -- create --name toy)"),
  workers: z.coerce.number().int().min(1).max(64),
  threads: z.coerce.number().int().min(1).max(256),
  timeoutMinutes: z.coerce
    .number()
    .positive()
    .max(24 * 60),
});

/** What both modes run: the sweep and the prompt set. */
const sweepOf = (o: { prompts: number; guidance: number[]; samples: number; steps: number; seed: number }) => ({
  promptsPerType: o.prompts,
  guidanceScales: o.guidance,
  samplesPerPrompt: o.samples,
  steps: o.steps,
  seed: o.seed,
  promptSetName: "toy-seed-experiment",
});

/** Progress lines stamped with the seconds since `started`. */
const timedLog = (started: number) => (line: string) =>
  console.log(`[toy:experiment ${((performance.now() - started) / 1000).toFixed(0)} s] ${line}`);

/** The command line for the document, with the secrets' values left out. */
function commandForDoc(): string {
  const args: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--token" || a === "--worker-token") i++;
    else if (!a.startsWith("--token=") && !a.startsWith("--worker-token=")) args.push(a);
  }
  return `npm run toy:experiment${args.length ? ` -- ${args.join(" ")}` : ""}`;
}

/** --server mode: the experiment against a running service, through its REST API. */
async function remote(values: Record<string, string | boolean | undefined>): Promise<number> {
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  if (str("data-dir") !== undefined) {
    process.stderr.write(`--data-dir does not apply with --server: the service keeps its own data\n\n${HELP}`);
    return 2;
  }
  const cfg = config();
  const o = checkOptions(
    remoteSchema,
    {
      ...sweepDefaults({
        prompts: str("prompts"),
        guidance: str("guidance"),
        samples: str("samples"),
        steps: str("steps"),
        seed: str("seed"),
        out: str("out"),
      }),
      server: str("server"),
      token: str("token") ?? cfg.apiKey ?? "",
      workerToken: str("worker-token") ?? cfg.workerToken ?? "",
      workers: str("workers") ?? 2,
      threads: str("threads") ?? 1,
      timeoutMinutes: str("timeout-minutes") ?? 30,
    },
    HELP,
  );
  if (!o) return 2;
  const started = performance.now();
  const log = timedLog(started);
  try {
    const { result, images } = await runRemoteToyExperiment({
      ...sweepOf(o),
      server: o.server,
      token: o.token,
      workerToken: o.workerToken,
      workers: o.workers,
      threads: o.threads,
      timeoutSeconds: o.timeoutMinutes * 60,
      log,
    });
    const totalSeconds = (performance.now() - started) / 1000;
    await writeExperimentDoc(
      result,
      o.out,
      { command: commandForDoc(), totalSeconds, samplesPerPrompt: o.samples, steps: o.steps, seed: o.seed },
      images,
    );
    const ranking = result.board.ranking;
    log(
      `wrote ${o.out}; ${result.runs.length} runs scored on ${o.server}; board: ${ranking?.ranked.map((r) => `${r.rank} ${result.board.variants[r.variantId]?.name}`).join(", ") || "no ranking"}`,
    );
    log(`browse it at ${o.server.replace(/\/+$/, "")}/?promptSet=${encodeURIComponent(result.board.promptSet.name)}`);
    return 0;
  } catch (e) {
    if (e instanceof ToyExperimentError || e instanceof ServiceUnreachable || e instanceof ServiceRefusal) {
      process.stderr.write(`toy:experiment: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

async function main(): Promise<number> {
  const { values } = parseCliArgs(
    {
      options: {
        "data-dir": { type: "string" },
        prompts: { type: "string" },
        guidance: { type: "string" },
        samples: { type: "string" },
        steps: { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
        server: { type: "string" },
        token: { type: "string" },
        "worker-token": { type: "string" },
        workers: { type: "string" },
        threads: { type: "string" },
        "timeout-minutes": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    },
    { script: "toy:experiment", usage: HELP },
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const remoteOnly = (["token", "worker-token", "workers", "threads", "timeout-minutes"] as const).filter(
    (k) => values[k] !== undefined,
  );
  if (values.server !== undefined) return remote(values);
  if (remoteOnly.length) {
    process.stderr.write(`${remoteOnly.map((k) => `--${k}`).join(", ")} only apply with --server URL\n\n${HELP}`);
    return 2;
  }
  const o = checkOptions(
    optionsSchema,
    {
      dataDir:
        values["data-dir"] ?? path.join("data", `toy-experiment-${new Date().toISOString().replace(/[:.]/g, "-")}`),
      ...sweepDefaults(values),
    },
    HELP,
  );
  if (!o) return 2;
  if (fs.existsSync(path.join(o.dataDir, "t2i.sqlite"))) {
    process.stderr.write(`--data-dir ${o.dataDir} already holds a database; give a new folder\n`);
    return 2;
  }
  fs.mkdirSync(o.dataDir, { recursive: true });
  // This process is the experiment's service: point the one config module at its folder and the toy evaluator.
  Object.assign(process.env, { T2I_DATA_DIR: path.resolve(o.dataDir), T2I_MODEL_DIR: "toy" });
  delete process.env.T2I_DB_PATH;
  migrate();
  const started = performance.now();
  const log = timedLog(started);
  const result = await runToyExperiment({ ...sweepOf(o), log });
  const totalSeconds = (performance.now() - started) / 1000;
  await writeExperimentDoc(result, o.out, {
    command: commandForDoc(),
    totalSeconds,
    samplesPerPrompt: o.samples,
    steps: o.steps,
    seed: o.seed,
  });
  log(
    `wrote ${o.out}; ${result.runs.length} runs scored in ${o.dataDir}; board: ${result.board.ranking?.ranked.map((r) => `${r.rank} ${result.board.variants[r.variantId]?.name}`).join(", ") ?? "no ranking"}`,
  );
  closeDb();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`toy:experiment: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
