// Claims the oldest job that is queued or whose worker's lease has expired. One IMMEDIATE
// transaction takes SQLite's write lock before reading, so two workers (in any processes)
// can never claim the same job. A job whose attempts are used up is failed, with its run,
// instead of being handed out again.
//
// Attempts count claims that made no progress: when the run has more samples scored than at
// the job's previous claim, that attempt advanced the run (its worker was killed or preempted
// after committing chunks) and the count starts again. A long run therefore survives any number
// of preemptions as long as each one leaves progress behind, while a run that fails the same way
// every time still stops after maxAttempts.
import { and, asc, eq, lte, notExists, or, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { jobs, runs, type JobRow } from "../../db/schema";
import { config } from "../core/config";
import { failRun } from "./fail-run";

/**
 * `now` is for tests that move the clock instead of waiting. `demoRuns: false` leaves jobs of
 * demo runs alone: the demo is toy-world results, scored by the toy-world evaluator only, so a
 * worker with another evaluator must not claim them (run-worker.ts decides).
 */
export function claimJob(
  workerId: string,
  leaseMs: number = config().jobLeaseMs,
  now: number = Date.now(),
  opts: { demoRuns?: boolean } = {},
): JobRow | undefined {
  return getDb().transaction(
    (tx) => {
      const demoFree =
        opts.demoRuns === false
          ? notExists(
              tx
                .select({ one: sql`1` })
                .from(runs)
                .where(and(eq(runs.id, jobs.runId), eq(runs.isDemo, true))),
            )
          : undefined;
      for (;;) {
        const candidate = tx
          .select()
          .from(jobs)
          .where(
            and(
              or(eq(jobs.status, "queued"), and(eq(jobs.status, "running"), lte(jobs.leaseExpiresAt, new Date(now)))),
              demoFree,
            ),
          )
          .orderBy(asc(jobs.id))
          .limit(1)
          .get();
        if (!candidate) return undefined;
        const progress =
          tx.select({ done: runs.progressDone }).from(runs).where(eq(runs.id, candidate.runId)).get()?.done ?? 0;
        const attempts = progress > candidate.progressMark ? 0 : candidate.attempts;
        if (attempts >= candidate.maxAttempts) {
          const reason =
            candidate.status === "running"
              ? `gave up after ${candidate.attempts} attempts: the last worker (${candidate.leaseOwner}) stopped without finishing` +
                (candidate.lastError ? `; last error: ${candidate.lastError}` : "")
              : `gave up after ${candidate.attempts} attempts; last error: ${candidate.lastError ?? "unknown"}`;
          tx.update(jobs)
            .set({ status: "failed", lastError: reason, leaseOwner: null, leaseExpiresAt: null })
            .where(eq(jobs.id, candidate.id))
            .run();
          if (candidate.kind === "score_run") failRun(tx, candidate.runId, reason, now);
          continue;
        }
        return tx
          .update(jobs)
          .set({
            status: "running",
            leaseOwner: workerId,
            leaseExpiresAt: new Date(now + leaseMs),
            heartbeatAt: new Date(now),
            attempts: attempts + 1,
            progressMark: progress,
          })
          .where(eq(jobs.id, candidate.id))
          .returning()
          .get();
      }
    },
    { behavior: "immediate" },
  );
}
