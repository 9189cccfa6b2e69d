// A job attempt failed: requeue it while attempts remain (and the error may pass), else fail
// it and (for a scoring job) its run with the error. An attempt that advanced the run (more samples scored than at
// its claim) does not use up the job's attempts (claim-job.ts).
import { and, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { jobs, runs } from "../../db/schema";
import { failRun } from "./fail-run";

export type FailJobResult = "requeued" | "failed" | "not_owner";

export function failJob(jobId: number, workerId: string, error: string, opts: { retry?: boolean } = {}): FailJobResult {
  return getDb().transaction(
    (tx) => {
      const job = tx
        .select()
        .from(jobs)
        .where(and(eq(jobs.id, jobId), eq(jobs.leaseOwner, workerId), eq(jobs.status, "running")))
        .get();
      if (!job) return "not_owner";
      const progress = tx.select({ done: runs.progressDone }).from(runs).where(eq(runs.id, job.runId)).get()?.done ?? 0;
      const retry = (opts.retry ?? true) && (job.attempts < job.maxAttempts || progress > job.progressMark);
      if (retry) {
        tx.update(jobs)
          .set({ status: "queued", leaseOwner: null, leaseExpiresAt: null, lastError: error })
          .where(eq(jobs.id, jobId))
          .run();
        return "requeued";
      }
      const reason = job.attempts > 1 ? `failed after ${job.attempts} attempts: ${error}` : error;
      tx.update(jobs)
        .set({ status: "failed", leaseOwner: null, leaseExpiresAt: null, lastError: reason })
        .where(eq(jobs.id, jobId))
        .run();
      // Distribution metrics are extra: their failure leaves the run's scores standing.
      if (job.kind === "score_run") failRun(tx, job.runId, reason);
      return "failed";
    },
    { behavior: "immediate" },
  );
}
