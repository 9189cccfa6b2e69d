// Where the scoring loop (run-worker.ts) gets its jobs and their data: the database in this
// process (the default: the web server's queue thread and `npm run worker` on the server's
// machine), or a server over HTTP (`npm run worker -- --server URL`, remote/remote-job-source.ts).
// The loop and the handlers are the same either way.
import type { ClipEvaluator } from "../clip/evaluator";
import type { EvaluatorIdentity } from "../clip/identity";
import type { JobRow } from "../../db/schema";
import type { FailJobResult } from "../jobs/fail-job";
import type { Lease } from "../jobs/lease";
import type { ReferenceMetricsStore } from "../reference-sets/reference-metrics-store";
import type { RunScoringStore } from "../scoring/score-run-chunks";

/** What the loop and the handlers read of a claimed job. */
export type ClaimedJob = Pick<JobRow, "id" | "kind" | "runId" | "attempts" | "maxAttempts" | "priority"> & {
  /** The lease length the source granted, when it is not the worker's own (remote: the server's). */
  leaseMs?: number;
};

/** The stores of one claimed job, made on first use. */
export type JobStores = {
  runScoring(): RunScoringStore;
  referenceMetrics(): ReferenceMetricsStore;
};

export interface JobSource {
  /** Hands the worker the next job it may do, or undefined when there is none (a remote claim long-polls first). */
  claim(
    workerId: string,
    leaseMs: number,
    opts: { evaluator: EvaluatorIdentity; signal?: AbortSignal },
  ): Promise<ClaimedJob | undefined>;
  /** False when the worker no longer holds the lease; throws when the source could not be asked. */
  heartbeat(job: ClaimedJob, workerId: string, leaseMs: number): Promise<boolean>;
  fail(job: ClaimedJob, workerId: string, error: string, opts: { retry: boolean }): Promise<FailJobResult>;
  /** Hands the job back without using up an attempt (the worker is stopping). */
  release(job: ClaimedJob, workerId: string): Promise<boolean>;
  /** Waits after an empty claim: until a job may be there, `ms` passed or `signal` aborted. */
  idle(ms: number, signal?: AbortSignal): Promise<void>;
  /** False when the job is gone (its run was deleted): nothing to hand back or fail. */
  exists(job: ClaimedJob): Promise<boolean>;
  /**
   * Preemption between lanes (lib/jobs/higher-lane-waiting.ts), where the source can tell: whether
   * a job of a lane above `job`'s is waiting, and a subscription to jobs queued in this process.
   * Absent for a remote source: its jobs run to their end.
   */
  lanes?: {
    higherLaneWaiting(job: ClaimedJob, opts: { demoRuns: boolean }): boolean;
    onJobQueued(listener: () => void): () => void;
  };
  stores(job: ClaimedJob, evaluator: ClipEvaluator, lease: Lease): JobStores;
}

/** The worker can do no job from this source (a revoked token, another evaluator): the loop stops and says why. */
export class StopWorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StopWorkerError";
  }
}
