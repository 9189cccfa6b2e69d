// Puts a failed run back in the scoring queue: its per-sample errors are cleared (so they are
// tried again), its error is cleared and a fresh scoring job with a full set of attempts is
// queued, in one transaction. Samples already scored keep their scores: scoring resumes.
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import { jobs, runs, sampleScores, samples, type RunRow } from "../../db/schema";
import { AppError } from "../core/errors";
import { enqueueJob } from "../jobs/enqueue-job";
import { scoredCount } from "./score-run";

/**
 * Re-queues failed run `runId` and returns it (status `queued`).
 * Errors: not_found (404) for an unknown id; conflict (409) when the run is not `failed`, or is a
 * generated run whose samples were never all made (its generation failed: request a new one).
 * `tx`: run inside the caller's write transaction (an identical re-upload of a failed run).
 */
export function retryRun(runId: string, tx?: DbOrTx): RunRow {
  if (!tx) return getDb().transaction((t) => retryRun(runId, t), { behavior: "immediate" });
  const run = tx.select().from(runs).where(eq(runs.id, runId)).get();
  if (!run) throw new AppError("not_found", `no run with id "${runId}"`);
  if (run.status !== "failed") {
    throw new AppError("conflict", `run ${runId} is ${run.status}; only failed runs can be retried`, {
      status: run.status,
    });
  }
  if (run.source === "generated" && run.generatedDone < run.generatedTotal) {
    throw new AppError(
      "conflict",
      `run ${runId} failed while its samples were generated (${run.generatedDone} of ${run.generatedTotal} made); request a new generation instead`,
      {
        generated: run.generatedDone,
        asked: run.generatedTotal,
      },
    );
  }
  const active = tx
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.runId, runId), eq(jobs.kind, "score_run"), inArray(jobs.status, ["queued", "running"])))
    .get();
  if (run.evaluatorId) {
    const runSamples = tx.select({ id: samples.id }).from(samples).where(eq(samples.runId, runId));
    tx.delete(sampleScores)
      .where(
        and(
          inArray(sampleScores.sampleId, runSamples),
          eq(sampleScores.evaluatorId, run.evaluatorId),
          isNotNull(sampleScores.errorCode),
        ),
      )
      .run();
  }
  const row = tx
    .update(runs)
    .set({
      status: "queued",
      error: null,
      finishedAt: null,
      progressDone: run.evaluatorId ? scoredCount(runId, run.evaluatorId) : sql`0`,
    })
    .where(eq(runs.id, runId))
    .returning()
    .get();
  if (!active) enqueueJob(tx, { kind: "score_run", runId });
  return row;
}
