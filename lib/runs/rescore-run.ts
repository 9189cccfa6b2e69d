// Re-scores runs under another evaluator (after `npm run fetch-model` installed the real one):
// queues a scoring job for each scored run that has no run-level scores from that evaluator.
// Scores are stored per evaluator, so the old ones stay; samples already scored by the
// evaluator are skipped and cached embeddings reused, so re-scoring resumes where it stopped.
import { and, eq, inArray, notExists, sql } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import { evaluators, jobs, runScores, runs, variants } from "../../db/schema";
import { TOY_EVALUATOR_NAME } from "../clip/identity";
import { AppError } from "../core/errors";
import { enqueueJob } from "../jobs/enqueue-job";
import { scoredCount } from "./score-run";

export type RescoreResult = { runId: string; queued: boolean; status: string; message: string };

/**
 * Queues run `runId` for scoring by `evaluatorId` (the evaluator the service's workers load).
 * Returns queued: false when the run already has that evaluator's scores.
 * Errors: not_found (404); conflict (409) when the run is generating, queued or scoring (it is
 * scored by the installed evaluator anyway) or failed (retry it instead).
 */
export function rescoreRun(runId: string, evaluatorId: string, tx?: DbOrTx): RescoreResult {
  if (!tx) return getDb().transaction((t) => rescoreRun(runId, evaluatorId, t), { behavior: "immediate" });
  const check = checkRescore(tx, runId, evaluatorId);
  if (check.refusal) throw check.refusal;
  const run = check.run;
  if (check.hasScores)
    return {
      runId,
      queued: false,
      status: run.status,
      message: `run ${runId} already has scores from evaluator ${evaluatorId}`,
    };
  const active = tx
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.runId, runId), eq(jobs.kind, "score_run"), inArray(jobs.status, ["queued", "running"])))
    .get();
  // Progress counts this evaluator's scores from now on (a resumed re-score starts where it stopped).
  tx.update(runs)
    .set({ status: "queued", finishedAt: null, progressDone: scoredCount(runId, evaluatorId) })
    .where(eq(runs.id, runId))
    .run();
  if (!active) enqueueJob(tx, { kind: "score_run", runId });
  return {
    runId,
    queued: true,
    status: "queued",
    message: `run ${runId} queued for scoring by evaluator ${evaluatorId}`,
  };
}

/** Why run `runId` cannot be re-scored by `evaluatorId` (an AppError), or whether it already has its scores. */
function checkRescore(tx: DbOrTx, runId: string, evaluatorId: string) {
  const run = tx.select().from(runs).where(eq(runs.id, runId)).get();
  if (!run) return { refusal: new AppError("not_found", `no run with id "${runId}"`) } as const;
  if (run.status === "failed")
    return {
      refusal: new AppError(
        "conflict",
        `run ${runId} failed; retry it (POST /api/v1/runs/${runId}/retry) instead of re-scoring it`,
        { status: run.status },
      ),
    } as const;
  if (run.status !== "scored")
    return {
      refusal: new AppError(
        "conflict",
        `run ${runId} is ${run.status}; it is being scored by the installed evaluator already`,
        {
          status: run.status,
        },
      ),
    } as const;
  if (run.isDemo && !scoresDemoRuns(tx, evaluatorId))
    return {
      refusal: new AppError(
        "conflict",
        `run ${runId} is a demo run (toy-world results), scored by the toy-world evaluator only; evaluator ${evaluatorId} is not it`,
        { status: run.status },
      ),
    } as const;
  const hasScores =
    tx
      .select({ runId: runScores.runId })
      .from(runScores)
      .where(and(eq(runScores.runId, runId), eq(runScores.evaluatorId, evaluatorId)))
      .get() !== undefined;
  return { run, hasScores, refusal: undefined } as const;
}

/**
 * Whether POST /api/v1/runs/{id}/rescore would queue run `runId` for `evaluatorId`: what the run
 * page asks before it offers the button (never on demo runs for another evaluator, on runs that
 * already have the evaluator's scores, or on runs not scored yet).
 */
export function rescoreApplies(runId: string, evaluatorId: string): boolean {
  const check = checkRescore(getDb(), runId, evaluatorId);
  return check.refusal === undefined && !check.hasScores;
}

/** Whether `evaluatorId` may score demo runs: they are toy-world results, for the toy-world evaluator only. */
function scoresDemoRuns(db: DbOrTx, evaluatorId: string): boolean {
  return (
    db.select({ name: evaluators.name }).from(evaluators).where(eq(evaluators.id, evaluatorId)).get()?.name ===
    TOY_EVALUATOR_NAME
  );
}

/** Scored runs without run-level scores from `evaluatorId` (demo runs only for the toy-world evaluator), optionally of one variant (by name). */
function lackingScores(db: DbOrTx, evaluatorId: string, variantName?: string) {
  const lacking = notExists(
    db
      .select({ one: sql`1` })
      .from(runScores)
      .where(and(eq(runScores.runId, runs.id), eq(runScores.evaluatorId, evaluatorId))),
  );
  const demo = scoresDemoRuns(db, evaluatorId) ? undefined : eq(runs.isDemo, false);
  return and(
    eq(runs.status, "scored"),
    lacking,
    demo,
    variantName !== undefined ? eq(variants.name, variantName) : undefined,
  );
}

function runsLackingScores(db: DbOrTx, evaluatorId: string, variantName?: string) {
  return db
    .select({ id: runs.id })
    .from(runs)
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .where(lackingScores(db, evaluatorId, variantName));
}

/** How many scored runs lack scores from `evaluatorId` (shown at start-up, by health and the banner); demo runs count only for the toy-world evaluator. */
export function countRunsLackingScores(evaluatorId: string): number {
  const db = getDb();
  return db
    .select({ n: sql<number>`count(*)` })
    .from(runs)
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .where(lackingScores(db, evaluatorId))
    .get()!.n;
}

/**
 * Queues every scored run (of variant `variant`, by name, when given) that lacks scores from
 * `evaluatorId`, in one transaction. Errors: not_found (404) for an unknown variant.
 */
export function rescoreRuns(evaluatorId: string, opts: { variant?: string } = {}): { queued: string[] } {
  return getDb().transaction(
    (tx) => {
      if (
        opts.variant !== undefined &&
        !tx.select({ id: variants.id }).from(variants).where(eq(variants.name, opts.variant)).get()
      ) {
        throw new AppError("not_found", `no variant named "${opts.variant}"`);
      }
      const ids = runsLackingScores(tx, evaluatorId, opts.variant)
        .all()
        .map((r) => r.id);
      for (const id of ids) rescoreRun(id, evaluatorId, tx);
      return { queued: ids };
    },
    { behavior: "immediate" },
  );
}
