// A worker reports a task finished. Every index of its range must have a stored sample (else
// 422 listing the missing ones). The task is done; when it was the run's last open task the
// run goes to the scoring queue, and when no task of the generation is open any more the
// generation ends. A repeated call for a task already done answers the same (a worker whose
// first answer was lost may retry).
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { generationTasks, runs, type RunStatus, type TaskStatus } from "../../db/schema";
import { AppError } from "../core/errors";
import { settleGeneration, settleRun } from "./settle-generation";
import { getTaskOrThrow, holdTaskLease } from "./task-lease";
import { storedIndices } from "./task-view";

export type CompleteTaskResult = { taskId: string; status: TaskStatus; runId: string; runStatus: RunStatus };

/** What the worker reports about how it made the samples (all optional; older workers send nothing). */
export type TaskProvenance = { engine?: string; model?: { name?: string; sha256?: string } };

export function completeTask(
  taskId: string,
  tokenId: string,
  opts: { now?: number; provenance?: TaskProvenance } = {},
): CompleteTaskResult {
  const p = opts.provenance ?? {};
  const now = opts.now ?? Date.now();
  return getDb().transaction(
    (tx) => {
      const runStatus = (runId: string) =>
        tx.select({ status: runs.status }).from(runs).where(eq(runs.id, runId)).get()!.status;
      const current = getTaskOrThrow(tx, taskId);
      if (current.status === "done")
        return { taskId, status: current.status, runId: current.runId, runStatus: runStatus(current.runId) };
      const task = holdTaskLease(tx, taskId, tokenId, { now });
      const stored = new Set(storedIndices(tx, task));
      const missing: number[] = [];
      for (let i = task.sampleFrom; i < task.sampleTo; i++) if (!stored.has(i)) missing.push(i);
      if (missing.length > 0) {
        throw new AppError(
          "validation_failed",
          `task ${taskId} is missing ${missing.length} sample(s): ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", …" : ""}`,
          { missing },
        );
      }
      tx.update(generationTasks)
        .set({
          status: "done",
          leaseOwner: null,
          leaseExpiresAt: null,
          lastError: null,
          finishedAt: new Date(now),
          completedBy: tokenId,
          engine: p.engine ?? null,
          modelName: p.model?.name ?? null,
          modelSha256: p.model?.sha256 ?? null,
        })
        .where(eq(generationTasks.id, taskId))
        .run();
      settleRun(tx, task.runId);
      settleGeneration(tx, task.generationId, now);
      return { taskId, status: "done" as const, runId: task.runId, runStatus: runStatus(task.runId) };
    },
    { behavior: "immediate" },
  );
}
