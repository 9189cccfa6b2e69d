// The toy seed experiment through the product, in this process and on the configured database:
// registers the four toy variants and a prompt set of held-out underspecified and compositional
// prompts, requests a guidance sweep per variant (the normal generation protocol: generations,
// tasks, leases, sample uploads), works every task with the toy engine, scores the runs with the
// toy evaluator through the scoring queue, and reads the runs and the ranked board back through
// the same verbs the pages use. `npm run toy:experiment` drives it.
import { Readable } from "node:stream";
import { createWorkerToken } from "../auth/worker-tokens";
import { resolveModel } from "../clip/resolve-model";
import { isAppError } from "../core/errors";
import { claimTask } from "../generation/claim-task";
import { completeTask } from "../generation/complete-task";
import { createGeneration } from "../generation/create-generation";
import { storeTaskSample } from "../generation/store-task-sample";
import { ToyEngine } from "../generation/worker-client/engines/toy-engine";
import { startWorker } from "../workers/run-worker";
import { getRankedBoard, type RankedBoard } from "../leaderboard/get-ranked-board";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { getRunOrThrow, type RunDetail } from "../runs/get-run-or-throw";
import { createVariant } from "../variants/create-variant";
import {
  TOY_PROMPT_SET_DESCRIPTION,
  TOY_VARIANT_DESCRIPTIONS,
  TOY_VARIANT_MODEL,
  toyGenerationRequest,
} from "./toy-experiment-plan";
import { TOY_VARIANTS } from "../toy-world/toy-generator";
import { toyPrompts, type ToyPrompt } from "../toy-world/toy-prompts";

export type ToyExperimentOptions = {
  promptsPerType: number;
  guidanceScales: number[];
  samplesPerPrompt: number;
  steps: number;
  /** Request seed (per-sample seeds derive from it, docs/reference/worker-protocol.md). */
  seed: number;
  promptSetName: string;
  threads?: number;
  log?: (line: string) => void;
  /** Which toy variants (default: all four, in TOY_VARIANTS order). */
  variants?: string[];
  /** Flag the variants, prompt set and runs as demo data (lib/demo/seed-demo.ts); default false. */
  isDemo?: boolean;
  /** A sentence appended to the variants' and prompt set's descriptions (the demo's removal hint). */
  descriptionNote?: string;
  /** Aborting stops between tasks (a claimed task is finished first) and before scoring. */
  signal?: AbortSignal;
};

export type ToyExperimentRun = { variant: string; guidanceScale: number; detail: RunDetail };
export type ToyExperimentResult = {
  prompts: ToyPrompt[];
  runs: ToyExperimentRun[];
  board: RankedBoard;
  seconds: { generate: number; score: number };
};

/** Runs the whole experiment; throws AppError on bad settings (createGeneration validates them). */
export async function runToyExperiment(opts: ToyExperimentOptions): Promise<ToyExperimentResult> {
  const log = opts.log ?? (() => {});
  const variants = opts.variants ?? Object.keys(TOY_VARIANTS);
  const unknown = variants.filter((v) => !(v in TOY_VARIANTS));
  if (unknown.length > 0 || variants.length === 0)
    throw new Error(
      `unknown toy variant(s): ${unknown.join(", ") || "none given"}; known: ${Object.keys(TOY_VARIANTS).join(", ")}`,
    );
  const describe = (text: string) => (opts.descriptionNote ? `${text}. ${opts.descriptionNote}` : text);
  const isDemo = opts.isDemo ?? false;
  for (const name of variants) {
    try {
      createVariant({
        name,
        conditioningType: TOY_VARIANTS[name]!,
        description: describe(TOY_VARIANT_DESCRIPTIONS[name]!),
        model: TOY_VARIANT_MODEL,
        isDemo,
      });
    } catch (e) {
      if (!(isAppError(e) && e.code === "conflict")) throw e;
    }
  }
  const prompts = toyPrompts(opts.promptsPerType);
  try {
    createPromptSet({
      name: opts.promptSetName,
      description: describe(TOY_PROMPT_SET_DESCRIPTION),
      isDemo,
      prompts: prompts.map((p) => ({ id: p.id, prompt: p.prompt, category: p.type })),
    });
  } catch (e) {
    if (!(isAppError(e) && e.code === "conflict")) throw e;
  }
  const token = createWorkerToken(`toy-experiment-${Date.now()}`);
  const requested = variants.map((variant) => ({
    variant,
    result: createGeneration(toyGenerationRequest(variant, opts.promptSetName, opts), { isDemo }),
  }));
  const totalTasks = requested.reduce((a, r) => a + r.result.tasks, 0);
  log(
    `requested ${requested.length} generations: ${totalTasks} tasks, ${requested.reduce((a, r) => a + r.result.samples, 0)} samples`,
  );

  const t0 = performance.now();
  const engine = new ToyEngine({ threads: opts.threads ?? 1 });
  const signal = opts.signal ?? new AbortController().signal;
  try {
    for (let done = 0; ; done++) {
      signal.throwIfAborted();
      const task = claimTask(token.id, variants);
      if (!task) break;
      await engine.generate(task, {
        signal,
        log: () => {},
        onSample: async (index, png) =>
          void (await storeTaskSample({ taskId: task.id, tokenId: token.id, index, body: Readable.from([png]) })),
      });
      completeTask(task.id, token.id);
      if ((done + 1) % 20 === 0) log(`generated ${done + 1} / ${totalTasks} tasks`);
    }
  } finally {
    await engine.close();
  }
  const t1 = performance.now();
  log("scoring with the toy evaluator");
  await startWorker({ exitWhenIdle: true, model: resolveModel("toy"), signal: opts.signal, log: () => {} });
  signal.throwIfAborted();
  const t2 = performance.now();

  const runs = requested.flatMap((r) =>
    r.result.runs.map((run) => ({
      variant: r.variant,
      guidanceScale: run.guidanceScale,
      detail: getRunOrThrow(run.id),
    })),
  );
  const notScored = runs.filter((r) => r.detail.status !== "scored");
  if (notScored.length)
    throw new Error(
      `${notScored.length} runs did not finish scoring: ${notScored.map((r) => `${r.detail.id} (${r.detail.status})`).join(", ")}`,
    );
  const evaluatorId = runs[0]?.detail.metrics?.evaluatorId;
  const board = getRankedBoard(opts.promptSetName, { evaluatorId });
  return { prompts, runs, board, seconds: { generate: (t1 - t0) / 1000, score: (t2 - t1) / 1000 } };
}
