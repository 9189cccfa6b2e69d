// Preemption between lanes (claim-job.ts): a worker doing a follow_up or bulk job checks whether a
// job of a higher lane is waiting, and if so hands its job back (no attempt used) to take that
// one. Work a job already committed (chunks of scores, cached reference embeddings) is kept, so
// the handed-back job resumes where it stopped.
import { and, eq, lt, lte, notExists, or, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { jobs, laneOfPriority, runs } from "../../db/schema";

export class PreemptedError extends Error {
  constructor(
    readonly jobId: number,
    readonly priority: number,
  ) {
    super(`job ${jobId} (${laneOfPriority(priority)} lane) makes way for a job of a higher lane`);
    this.name = "PreemptedError";
  }
}

/**
 * Whether a job of a lane above `priority` is claimable now (queued, or running on an expired
 * lease). `demoRuns: false`: jobs of demo runs do not count (this worker could not take them).
 */
export function higherLaneWaiting(priority: number, opts: { demoRuns?: boolean } = {}, now = Date.now()): boolean {
  if (priority <= 0) return false;
  const demoFree =
    opts.demoRuns === false
      ? notExists(
          getDb()
            .select({ one: sql`1` })
            .from(runs)
            .where(and(eq(runs.id, jobs.runId), eq(runs.isDemo, true))),
        )
      : undefined;
  return (
    getDb()
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        and(
          lt(jobs.priority, priority),
          or(eq(jobs.status, "queued"), and(eq(jobs.status, "running"), lte(jobs.leaseExpiresAt, new Date(now)))),
          demoFree,
        ),
      )
      .limit(1)
      .get() !== undefined
  );
}
