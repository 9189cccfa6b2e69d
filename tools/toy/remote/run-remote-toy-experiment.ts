// The toy seed experiment against a running service, through its REST API only: checks that
// the service scores with the toy evaluator, registers the four toy variants and the toy prompt
// set (reusing existing ones by name), requests the guidance sweep as generations, starts
// `npm run gpu-worker -- --engine toy` processes that work the tasks over the worker protocol,
// follows generation and scoring, and reads the runs and the ranked board back. The document
// is then written by the same builder as the in-process mode (experiment-doc.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import { TOY_EVALUATOR_NAME } from "../../../lib/clip/identity";
import type { RunDetail } from "../../../lib/runs/get-run-or-throw";
import type { ExperimentDocInput, SampleImageSource } from "../experiment-doc";
import {
  TOY_PROMPT_SET_DESCRIPTION,
  TOY_VARIANT_DESCRIPTIONS,
  TOY_VARIANT_MODEL,
  toyGenerationRequest,
  type ToySweep,
} from "../../../lib/demo/toy-experiment-plan";
import { TOY_VARIANTS } from "../../../lib/toy-world/toy-generator";
import { toyPrompts } from "../../../lib/toy-world/toy-prompts";
import { experimentBoardFromLeaderboard, leaderboardAnswerSchema } from "./experiment-board";
import { ServiceClient, ServiceRefusal } from "./service-client";
import { ENTRY_POINTS } from "../../../lib/core/entry-points";

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** How to start a service the experiment can use; printed when the service scores with another evaluator. */
export const TOY_SERVICE_HINT =
  "start one with the toy evaluator, on its own data folder: T2I_DATA_DIR=data/toy T2I_MODEL_DIR=toy npm start";

export type RemoteToyExperimentOptions = ToySweep & {
  /** The service, e.g. http://localhost:3000. */
  server: string;
  /** API key (admin or submitter) for the variants, the prompt set and the generations. */
  token: string;
  /** Worker token t2iw_… the started workers authenticate with (npm run worker-token -- create on the server). */
  workerToken: string;
  promptsPerType: number;
  promptSetName: string;
  /** gpu-worker processes to start, and onnxruntime threads each. */
  workers: number;
  threads: number;
  /** Limit for generation and scoring together, in seconds. */
  timeoutSeconds: number;
  /** Seconds between progress polls (default 2). */
  pollSeconds?: number;
  log?: (line: string) => void;
};

/** A failure of the experiment with a message meant for the person who ran it. */
export class ToyExperimentError extends Error {}

const healthSchema = z.looseObject({ evaluator: z.looseObject({ id: z.string(), name: z.string() }) });
const variantListSchema = z.looseObject({
  variants: z.array(z.looseObject({ name: z.string(), conditioningType: z.string() })),
});
const promptSetAnswerSchema = z.looseObject({ promptSet: z.looseObject({ name: z.string(), version: z.number() }) });
const generationAnswerSchema = z.looseObject({
  id: z.string(),
  runs: z.array(z.looseObject({ id: z.string(), guidanceScale: z.number() })),
  tasks: z.number(),
  samples: z.number(),
});
const generationViewSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  progress: z.looseObject({ generated: z.number(), total: z.number() }),
  runs: z.array(
    z.looseObject({ id: z.string(), guidanceScale: z.number(), status: z.string(), error: z.string().nullable() }),
  ),
});
// The fields the document reads; the rest of GET /api/v1/runs/{id} passes through unchecked.
const runDetailSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  evaluator: z.looseObject({ id: z.string(), name: z.string() }).nullable(),
  metrics: z
    .looseObject({
      evaluatorId: z.string(),
      run: z.looseObject({ n: z.number() }),
      prompts: z.array(z.looseObject({ category: z.string().nullable() })),
    })
    .nullable(),
});
const samplePageSchema = z.looseObject({
  samples: z.array(z.looseObject({ promptId: z.string(), sampleIndex: z.number(), imageSha256: z.string() })),
});

type Worker = { child: ChildProcess; tail: string[]; exit: { code: number | null; signal: string | null } | null };

function startWorkers(opts: RemoteToyExperimentOptions, log: (line: string) => void): Worker[] {
  const variantArgs = Object.keys(TOY_VARIANTS).flatMap((v) => ["--variant", v]);
  return Array.from({ length: opts.workers }, (_, i) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        ENTRY_POINTS.gpuWorker,
        "--server",
        opts.server,
        "--engine",
        "toy",
        "--threads",
        String(opts.threads),
        "--poll-seconds",
        "5",
        "--grace-seconds",
        "5",
        ...variantArgs,
      ],
      // The token goes in the environment, not the arguments, which `ps` shows.
      {
        cwd: REPO_ROOT,
        env: { ...process.env, T2I_WORKER_TOKEN: opts.workerToken },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const w: Worker = { child, tail: [], exit: null };
    const keep = (d: Buffer) => {
      w.tail.push(
        ...d
          .toString()
          .split("\n")
          .filter((l) => l.trim()),
      );
      w.tail.splice(0, Math.max(0, w.tail.length - 15));
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    child.on("exit", (code, signal) => {
      w.exit = { code, signal };
    });
    log(
      `started gpu-worker ${i + 1} of ${opts.workers} (pid ${child.pid}, --engine toy, ${opts.threads} thread${opts.threads === 1 ? "" : "s"})`,
    );
    return w;
  });
}

/** SIGTERM (the worker finishes or hands back its task), then SIGKILL after 15 s. */
async function stopWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (w.exit) return;
      const exited = new Promise<void>((resolve) => w.child.once("exit", () => resolve()));
      w.child.kill("SIGTERM");
      const timer = setTimeout(() => w.child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

/**
 * Runs the experiment on the service at `opts.server`. Returns the document's input and the
 * source of its grid images (fetched over GET /api/v1/runs/{id}/samples and /api/v1/images).
 * Throws ToyExperimentError (not the toy evaluator, a worker died, a run failed, timeout),
 * ServiceUnreachable or ServiceRefusal; generations it requested are cancelled on failure.
 */
export async function runRemoteToyExperiment(
  opts: RemoteToyExperimentOptions,
): Promise<{ result: ExperimentDocInput; images: SampleImageSource }> {
  const log = opts.log ?? (() => {});
  const api = new ServiceClient({ server: opts.server, token: opts.token });

  const health = healthSchema.parse(await api.json("GET", "/api/v1/health"));
  if (health.evaluator.name !== TOY_EVALUATOR_NAME) {
    throw new ToyExperimentError(
      `the service at ${api.server} scores with "${health.evaluator.name}", not the toy evaluator (${TOY_EVALUATOR_NAME}), so the toy samples' scores would mean nothing; ${TOY_SERVICE_HINT}`,
    );
  }
  log(`service ${api.server} scores with ${health.evaluator.name} (${health.evaluator.id})`);

  const variants = Object.keys(TOY_VARIANTS);
  for (const name of variants) {
    try {
      await api.json("POST", "/api/v1/variants", {
        name,
        conditioningType: TOY_VARIANTS[name]!,
        description: TOY_VARIANT_DESCRIPTIONS[name],
        model: TOY_VARIANT_MODEL,
      });
      log(`registered variant ${name}`);
    } catch (e) {
      if (!(e instanceof ServiceRefusal && e.code === "conflict")) throw e;
    }
  }
  const known = variantListSchema.parse(await api.json("GET", "/api/v1/variants")).variants;
  for (const name of variants) {
    const v = known.find((x) => x.name === name);
    if (!v)
      throw new ToyExperimentError(
        `variant ${name} is not listed by the service after registering it (hidden?); unhide it or use a fresh service`,
      );
    if (v.conditioningType !== TOY_VARIANTS[name])
      throw new ToyExperimentError(
        `the service's variant ${name} has conditioning ${v.conditioningType}, not ${TOY_VARIANTS[name]}; the experiment cannot reuse it`,
      );
  }

  const prompts = toyPrompts(opts.promptsPerType);
  const set = promptSetAnswerSchema.parse(
    await api.json("POST", "/api/v1/prompt-sets", {
      name: opts.promptSetName,
      description: TOY_PROMPT_SET_DESCRIPTION,
      prompts: prompts.map((p) => ({ id: p.id, prompt: p.prompt, category: p.type })),
    }),
  ).promptSet;
  log(`prompt set ${set.name} v${set.version}: ${prompts.length} prompts`);

  const requested: Array<{ variant: string; generation: z.infer<typeof generationAnswerSchema> }> = [];
  const cancelAll = async () => {
    for (const r of requested)
      await api.request("POST", `/api/v1/generations/${r.generation.id}/cancel`).catch(() => undefined);
  };
  let workers: Worker[] = [];
  let seconds = { generate: 0, score: 0 };
  try {
    for (const variant of variants) {
      const generation = generationAnswerSchema.parse(
        await api.json("POST", "/api/v1/generations", toyGenerationRequest(variant, set.name, opts, set.version)),
      );
      requested.push({ variant, generation });
    }
    const totalSamples = requested.reduce((a, r) => a + r.generation.samples, 0);
    const totalRuns = requested.reduce((a, r) => a + r.generation.runs.length, 0);
    log(
      `requested ${requested.length} generations: ${requested.reduce((a, r) => a + r.generation.tasks, 0)} tasks, ${totalSamples} samples, ${totalRuns} runs`,
    );

    workers = startWorkers(opts, log);
    const t0 = performance.now();
    let generatedAt: number | null = null;
    let last = "";
    let lastLogged = 0;
    for (;;) {
      const dead = workers.find((w) => w.exit);
      if (dead) {
        throw new ToyExperimentError(
          `gpu-worker (pid ${dead.child.pid}) exited with ${dead.exit!.signal ?? `code ${dead.exit!.code}`} before the work was done; its last lines:\n  ${dead.tail.join("\n  ") || "(none)"}`,
        );
      }
      const views = [];
      for (const r of requested)
        views.push(generationViewSchema.parse(await api.json("GET", `/api/v1/generations/${r.generation.id}`)));
      const failed = views.flatMap((v) =>
        v.runs
          .filter((r) => r.status === "failed")
          .map((r) => `run ${r.id} (guidance ${r.guidanceScale}): ${r.error ?? "no reason given"}`),
      );
      if (failed.length)
        throw new ToyExperimentError(
          `${failed.length} run${failed.length === 1 ? "" : "s"} failed on the service:\n  ${failed.join("\n  ")}`,
        );
      const stopped = views.filter((v) => v.status === "cancelled" || v.status === "failed");
      if (stopped.length)
        throw new ToyExperimentError(
          `generation ${stopped.map((v) => `${v.id} is ${v.status}`).join(", ")} on the service`,
        );
      const generated = views.reduce((a, v) => a + v.progress.generated, 0);
      const scored = views.reduce((a, v) => a + v.runs.filter((r) => r.status === "scored").length, 0);
      const now = performance.now();
      if (generatedAt === null && generated >= totalSamples) generatedAt = now;
      const line = `generated ${generated} / ${totalSamples} samples, scored ${scored} / ${totalRuns} runs`;
      if (line !== last && (now - lastLogged > 5000 || scored === totalRuns)) {
        log(line);
        last = line;
        lastLogged = now;
      }
      if (scored === totalRuns) {
        seconds = { generate: ((generatedAt ?? now) - t0) / 1000, score: (now - (generatedAt ?? now)) / 1000 };
        break;
      }
      if (now - t0 > opts.timeoutSeconds * 1000) {
        throw new ToyExperimentError(
          `timed out after ${opts.timeoutSeconds} s: ${line}; raise --timeout-minutes, or check the service's log and its scoring queue (GET /api/v1/health)`,
        );
      }
      await delay((opts.pollSeconds ?? 2) * 1000);
    }
  } catch (e) {
    await cancelAll();
    throw e;
  } finally {
    await stopWorkers(workers);
  }

  const runs = [];
  for (const r of requested) {
    for (const run of r.generation.runs) {
      const detail = runDetailSchema.parse(await api.json("GET", `/api/v1/runs/${run.id}`)) as unknown as RunDetail;
      runs.push({ variant: r.variant, guidanceScale: run.guidanceScale, detail });
    }
  }
  const evaluatorId = runs[0]?.detail.metrics?.evaluatorId;
  if (!evaluatorId) throw new ToyExperimentError("the scored runs carry no evaluator");

  // The board is recomputed after the last run is scored; wait for it to hold every run.
  const boardDeadline = performance.now() + 120_000;
  for (;;) {
    const answer = leaderboardAnswerSchema.parse(
      await api.json("GET", `/api/v1/leaderboard?promptSet=${encodeURIComponent(set.name)}&version=${set.version}`),
    );
    const ours = answer.evaluators.find((b) => b.evaluator.id === evaluatorId);
    const onBoard = new Set(ours?.variants.flatMap((v) => v.runs.map((x) => x.runId)) ?? []);
    if (ours && !ours.ranking.updating && runs.every((r) => onBoard.has(r.detail.id))) {
      const board = experimentBoardFromLeaderboard(answer.promptSet, ours);
      return { result: { prompts, runs, board, seconds }, images: remoteSampleImages(api) };
    }
    if (performance.now() > boardDeadline)
      throw new ToyExperimentError(
        `the leaderboard of ${set.name} v${set.version} did not show all ${runs.length} scored runs within 120 s`,
      );
    await delay(1000);
  }
}

/** Grid images over the REST API: a run's per-sample list, then each image by its hash. */
function remoteSampleImages(api: ServiceClient): SampleImageSource {
  return async (runId, evaluatorId, promptIds) => {
    const page = samplePageSchema.parse(
      await api.json(
        "GET",
        `/api/v1/runs/${runId}/samples?limit=5000${evaluatorId ? `&evaluator=${encodeURIComponent(evaluatorId)}` : ""}`,
      ),
    );
    const out = new Map<string, Buffer[]>();
    for (const id of promptIds) {
      const samples = page.samples.filter((s) => s.promptId === id).sort((a, b) => a.sampleIndex - b.sampleIndex);
      const images: Buffer[] = [];
      for (const s of samples) images.push(await api.bytes(`/api/v1/images/${s.imageSha256}`));
      out.set(id, images);
    }
    return out;
  };
}
