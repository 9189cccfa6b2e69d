// A worker reports that a task failed (out of memory, a crash, …). The task goes back to the
// queue while it has attempts left; after `maxAttempts` it fails, and its run fails with the
// reason ("task for prompt p3 failed 3 times: <the worker's error>"). A task whose run already
// failed or whose generation was cancelled is cancelled instead of retried.
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { generations, generationTasks, runs } from "../../db/schema";
import { failGeneratedRun, settleGeneration, taskFailureReason } from "./settle-generation";
import { holdTaskLease } from "./task-lease";

/** Kept of the worker's error: its end, where stderr says what went wrong. */
export const MAX_ERROR_CHARS = 2000;

export function tail(text: string, max = MAX_ERROR_CHARS): string {
  const t = text.trim();
  return t.length <= max ? t : `…${t.slice(t.length - max + 1)}`;
}

export function failTask(
  taskId: string,
  tokenId: string,
  error: string,
  opts: { now?: number } = {},
): { retry: boolean } {
  const now = opts.now ?? Date.now();
  const why = tail(error) || "the worker gave no reason";
  return getDb().transaction(
    (tx) => {
      const task = holdTaskLease(tx, taskId, tokenId, { now });
      const g = tx
        .select({ status: generations.status })
        .from(generations)
        .where(eq(generations.id, task.generationId))
        .get()!;
      const run = tx.select({ status: runs.status }).from(runs).where(eq(runs.id, task.runId)).get()!;
      const ended = { leaseOwner: null, leaseExpiresAt: null, lastError: why, finishedAt: new Date(now) };
      if (g.status === "cancelled" || run.status !== "generating") {
        tx.update(generationTasks)
          .set({ status: "cancelled", ...ended })
          .where(eq(generationTasks.id, taskId))
          .run();
        settleGeneration(tx, task.generationId, now);
        return { retry: false };
      }
      if (task.attempts < task.maxAttempts) {
        tx.update(generationTasks)
          .set({ status: "queued", leaseOwner: null, leaseExpiresAt: null, lastError: why })
          .where(eq(generationTasks.id, taskId))
          .run();
        return { retry: true };
      }
      tx.update(generationTasks)
        .set({ status: "failed", ...ended })
        .where(eq(generationTasks.id, taskId))
        .run();
      failGeneratedRun(tx, task.runId, taskFailureReason(tx, task, why), now);
      settleGeneration(tx, task.generationId, now);
      return { retry: false };
    },
    { behavior: "immediate" },
  );
}
