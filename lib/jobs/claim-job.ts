// Claims the next job: queued, or running with a lease that has expired. One IMMEDIATE
// transaction takes SQLite's write lock before reading, so two workers (in any processes) can
// never claim the same job. A job whose attempts are used up is failed, with its run, instead of
// being handed out again.
//
// Fair queues. "Next" is, in this order (one query; PostgreSQL runs it with IS NOT DISTINCT FROM
// for IS):
//   ORDER BY priority,                       -- the lane: scoring < follow_up < bulk (JOB_LANES)
//            turn,                           -- row_number() within (lane, API key) by age:
//                                            --   keys take turns, one job each, within a lane
//            last served,                    -- at equal turns the key served longest ago first
//                                            --   (its latest claim or heartbeat in the lane)
//            id                              -- then age
// and a key's bulk jobs wait while it already has T2I_BULK_JOBS_PER_KEY of them under a live
// lease. So scoring an upload never waits behind comparisons a new reference set queued for
// every run on the server (it waits for at most the one job a worker is already doing), one key's
// 20 uploads do not hold back another key's one, and several workers never all do one key's bulk.
//
// Attempts count claims that made no progress: when the run has more samples scored than at
// the job's previous claim, that attempt advanced the run (its worker was killed or preempted
// after committing chunks) and the count starts again. A long run therefore survives any number
// of preemptions as long as each one leaves progress behind, while a run that fails the same way
// every time still stops after maxAttempts.
import { and, eq, exists, notExists, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { jobs, lanePriority, runs, type JobRow } from "../../db/schema";
import { config } from "../core/config";
import { failRun } from "./fail-run";

/** Why a worker without the toy-world evaluator retires the comparison jobs of demo runs. */
export const DEMO_COMPARISON_RETIRED =
  "demo runs are toy-world results, compared by the toy-world evaluator only; this server's evaluator is another, so the comparison was dropped (re-run it with T2I_MODEL_DIR=toy)";

/**
 * `now` is for tests that move the clock instead of waiting. `demoRuns: false` leaves jobs of
 * demo runs alone: the demo is toy-world results, scored by the toy-world evaluator only, so a
 * worker with another evaluator must not claim them (run-worker.ts decides); their queued
 * comparison jobs it fails with DEMO_COMPARISON_RETIRED instead of leaving them queued for ever.
 */
export function claimJob(
  workerId: string,
  leaseMs: number = config().jobLeaseMs,
  now: number = Date.now(),
  opts: { demoRuns?: boolean } = {},
): JobRow | undefined {
  return getDb().transaction(
    (tx) => {
      const demoRun = tx
        .select({ one: sql`1` })
        .from(runs)
        .where(and(eq(runs.id, jobs.runId), eq(runs.isDemo, true)));
      if (opts.demoRuns === false) {
        tx.update(jobs)
          .set({ status: "failed", lastError: DEMO_COMPARISON_RETIRED })
          .where(and(eq(jobs.status, "queued"), eq(jobs.kind, "reference_metrics"), exists(demoRun)))
          .run();
      }
      const demoFree = opts.demoRuns === false ? sql`and ${notExists(demoRun)}` : sql``;
      const bulk = lanePriority("bulk");
      const perKey = config().bulkJobsPerKey;
      for (;;) {
        const next = tx.get<{ id: number } | undefined>(sql`
          with ready as (
            select ${jobs.id} as id, ${jobs.priority} as priority, ${jobs.apiKeyId} as key,
              row_number() over (partition by ${jobs.priority}, coalesce(${jobs.apiKeyId}, '') order by ${jobs.id}) as turn
            from ${jobs}
            where (${jobs.status} = 'queued' or (${jobs.status} = 'running' and ${jobs.leaseExpiresAt} <= ${now}))
              ${demoFree}
          )
          select r.id as id from ready r
          where r.priority <> ${bulk} or (
            select count(*) from jobs b
            where b.status = 'running' and b.lease_expires_at > ${now} and b.priority = ${bulk}
              and coalesce(b.api_key_id, '') = coalesce(r.key, '')
          ) < ${perKey}
          order by r.priority, r.turn, coalesce((
            select max(s.heartbeat_at) from jobs s where s.api_key_id is r.key and s.priority = r.priority
          ), 0), r.id
          limit 1`);
        const candidate = next ? tx.select().from(jobs).where(eq(jobs.id, next.id)).get() : undefined;
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
