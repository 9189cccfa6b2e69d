// State changes that follow a task reaching an end state, inside the caller's transaction:
// a run whose tasks are all done goes to scoring; a run whose task gave up fails and its
// queued tasks are cancelled; a generation with no open task is done, failed or stays cancelled.
import { and, eq, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import {
  generations,
  generationTasks,
  prompts,
  runs,
  samples,
  type GenerationTaskRow,
  type TaskStatus,
} from "../../db/schema";
import { enqueueJob } from "../jobs/enqueue-job";
import { failRun } from "../jobs/fail-run";

/** Queues a generating run for scoring once every one of its tasks is done. Returns whether it did. */
export function settleRun(tx: DbOrTx, runId: string): boolean {
  const run = tx.select({ status: runs.status }).from(runs).where(eq(runs.id, runId)).get();
  if (run?.status !== "generating") return false;
  const open = tx
    .select({ n: sql<number>`count(*)` })
    .from(generationTasks)
    .where(and(eq(generationTasks.runId, runId), ne(generationTasks.status, "done")))
    .get()!.n;
  if (open > 0) return false;
  const n = tx
    .select({ n: sql<number>`count(*)` })
    .from(samples)
    .where(eq(samples.runId, runId))
    .get()!.n;
  tx.update(runs).set({ status: "queued", progressDone: 0, progressTotal: n }).where(eq(runs.id, runId)).run();
  enqueueJob(tx, { kind: "score_run", runId });
  return true;
}

/** Fails a generating run and cancels its tasks that nobody holds; tasks in flight may still finish. */
export function failGeneratedRun(tx: DbOrTx, runId: string, reason: string, now = Date.now()): void {
  failRun(tx, runId, reason, now);
  tx.update(generationTasks)
    .set({ status: "cancelled", finishedAt: new Date(now) })
    .where(and(eq(generationTasks.runId, runId), eq(generationTasks.status, "queued")))
    .run();
}

export function taskCounts(tx: DbOrTx, generationId: string): Record<TaskStatus, number> {
  const counts: Record<TaskStatus, number> = { queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  const rows = tx
    .select({ status: generationTasks.status, n: sql<number>`count(*)` })
    .from(generationTasks)
    .where(eq(generationTasks.generationId, generationId))
    .groupBy(generationTasks.status)
    .all();
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** Ends the generation once none of its tasks is queued or running: done when every task is done, else failed. */
export function settleGeneration(tx: DbOrTx, generationId: string, now = Date.now()): void {
  const g = tx.select({ status: generations.status }).from(generations).where(eq(generations.id, generationId)).get();
  if (!g || g.status === "done" || g.status === "failed") return;
  const c = taskCounts(tx, generationId);
  if (c.queued + c.running > 0) return;
  if (g.status === "cancelled") return;
  if (c.failed === 0 && c.cancelled === 0) {
    tx.update(generations)
      .set({ status: "done", finishedAt: new Date(now) })
      .where(eq(generations.id, generationId))
      .run();
    return;
  }
  const runRows = tx
    .select({ status: runs.status, error: runs.error })
    .from(runs)
    .where(eq(runs.generationId, generationId))
    .all();
  const failed = runRows.filter((r) => r.status === "failed");
  const error = `${failed.length} of ${runRows.length} run${runRows.length === 1 ? "" : "s"} failed${failed[0]?.error ? `; first: ${failed[0].error}` : ""}`;
  tx.update(generations)
    .set({ status: "failed", error, finishedAt: new Date(now) })
    .where(eq(generations.id, generationId))
    .run();
}

/** "task for prompt p3 failed 3 times: <why>", the run's error when one of its tasks gives up. */
export function taskFailureReason(tx: DbOrTx, task: GenerationTaskRow, why: string): string {
  const key =
    tx.select({ key: prompts.promptKey }).from(prompts).where(eq(prompts.id, task.promptId)).get()?.key ??
    String(task.promptId);
  return `task for prompt ${key} (samples ${task.sampleFrom}–${task.sampleTo - 1}) failed ${task.attempts} time${task.attempts === 1 ? "" : "s"}: ${why}`;
}
