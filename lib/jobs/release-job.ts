// Hands a job back to the queue when its worker stops on request (SIGTERM): the attempt does
// not count, and another worker can take it at once instead of waiting for the lease to expire.
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { jobs, runs } from "../../db/schema";

export function releaseJob(jobId: number, workerId: string): boolean {
  return getDb().transaction(
    (tx) => {
      const job = tx
        .update(jobs)
        .set({ status: "queued", leaseOwner: null, leaseExpiresAt: null, attempts: sql`max(${jobs.attempts} - 1, 0)` })
        .where(and(eq(jobs.id, jobId), eq(jobs.leaseOwner, workerId), eq(jobs.status, "running")))
        .returning({ runId: jobs.runId })
        .get();
      if (!job) return false;
      tx.update(runs)
        .set({ status: "queued" })
        .where(and(eq(runs.id, job.runId), eq(runs.status, "scoring")))
        .run();
      return true;
    },
    { behavior: "immediate" },
  );
}
