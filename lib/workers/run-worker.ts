// The scoring worker loop, run by `npm run worker` (any number of processes on one database, or
// anywhere against a server's HTTP API with --server) and inside the web server. Claims a job
// from its source (job-source.ts), hands it to its kind's handler (handlers/index.ts) while a
// timer renews the lease, and marks it done, requeued or failed. Stopping (the signal aborts)
// lets the handler finish its current chunk, hands the job back to the queue and resolves.
//
// Lanes (claim-job.ts): a follow_up or bulk job makes way when a job of a higher lane is queued
// (checked when this process queues one and at every lease heartbeat, where the source can tell:
// the database): it is handed back without using an attempt, keeping what it committed, and the
// higher one is claimed next.
//
// The loop does not die: a busy database (another process holding SQLite's write lock past the
// busy timeout) is waited out with backoff, and a job that met it is handed back without using
// an attempt; any other error outside a job (an unreachable server too) is logged, reported and
// retried with backoff; a source that refuses the worker (StopWorkerError) stops it. Every
// claim, lease heartbeat and change of state is reported through `onStatus` (loop-status.ts), which
// /api/v1/health reads for the web server's own loop.
import os from "node:os";
import { randomBytes } from "node:crypto";
import { getEvaluator, type ClipEvaluator } from "../clip/evaluator";
import { evaluatorWarning, TOY_EVALUATOR_NAME } from "../clip/identity";
import { resolveServiceModel, type ResolvedModel } from "../clip/resolve-model";
import { getServiceEvaluator } from "../scoring/service-evaluator";
import { laneOfPriority } from "../../db/schema";
import { config } from "../core/config";
import type { ProviderChoice } from "../core/execution-provider";
import { isAppError } from "../core/errors";
import { isBusyError, retryWhileBusy } from "../core/sqlite-busy";
import { LeaseLostError } from "../jobs/lease";
import { PreemptedError } from "../jobs/higher-lane-waiting";
import { sleepUntilWoken } from "../jobs/wake";
import { JOB_HANDLERS } from "./handlers";
import { StopWorkerError, type ClaimedJob, type JobSource } from "./job-source";
import { localJobSource } from "./local-job-source";
import type { LoopReport, LoopState } from "./loop-status";

export type WorkerOptions = {
  workerId?: string;
  leaseMs?: number;
  heartbeatMs?: number;
  pollMs?: number;
  chunkSize?: number;
  /** Aborting stops the worker; the promise resolves once it has let go of its job. */
  signal?: AbortSignal;
  /** Return once the queue is empty (scripts, benchmarks) instead of polling for more. */
  exitWhenIdle?: boolean;
  /** The evaluator folder; default: the service's evaluator (getServiceEvaluator), as the web server uses. */
  model?: ResolvedModel;
  /** An evaluator already loaded (tests, benchmarks). */
  evaluator?: ClipEvaluator;
  /** Where the evaluator's towers run when `model` is given (default: T2I_EXECUTION_PROVIDER). */
  executionProvider?: ProviderChoice;
  /** Where jobs come from; default: this process's database (localJobSource). */
  source?: JobSource;
  log?: (line: string) => void;
  /** After each job the worker let go of (done, failed or handed back), with the counts so far. */
  onJob?: (stats: WorkerStats) => void;
  /** Every claim, lease heartbeat and change of state (the loop's heartbeat; loop-status.ts). */
  onStatus?: (report: LoopReport) => void;
};

/** An idle loop claims (and reports) at least this often, whatever the poll interval. */
const MAX_IDLE_WAIT_MS = 60_000;
/** Backoff after an unexpected error outside a job: doubles from the first up to the last. */
const FAILURE_BACKOFF_MS = [1000, 30_000] as const;

export type WorkerStats = { jobsDone: number; jobsFailed: number; jobsRequeued: number; leasesLost: number };

export function defaultWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

export async function startWorker(opts: WorkerOptions = {}): Promise<WorkerStats> {
  const cfg = config();
  const workerId = opts.workerId ?? defaultWorkerId();
  const leaseMs = opts.leaseMs ?? cfg.jobLeaseMs;
  const heartbeatMs = Math.min(opts.heartbeatMs ?? cfg.jobHeartbeatMs, Math.max(10, Math.floor(leaseMs / 3)));
  const pollMs = opts.pollMs ?? cfg.jobPollMs;
  const log = opts.log ?? ((line: string) => console.log(`[worker ${workerId}] ${line}`));
  const stats: WorkerStats = { jobsDone: 0, jobsFailed: 0, jobsRequeued: 0, leasesLost: 0 };
  const stopping = () => opts.signal?.aborted === true;
  const source = opts.source ?? localJobSource;

  let evaluator = opts.evaluator;
  opts.onStatus?.({ state: "starting", at: Date.now() });
  while (!evaluator && !stopping()) {
    const model = opts.model ?? resolveServiceModel();
    try {
      // Without an explicit model, share the server's evaluator (one ONNX session per process).
      evaluator = await (opts.model
        ? getEvaluator(model.dir, {
            variant: model.variant,
            threads: cfg.threads,
            executionProvider: opts.executionProvider ?? cfg.executionProvider,
          })
        : getServiceEvaluator());
      const warning = evaluatorWarning(evaluator.identity);
      log(
        `evaluator ${evaluator.identity.id}${warning ? ` (${warning})` : ""} on ${evaluator.provider.description}, batches of ${evaluator.batchSize}`,
      );
    } catch (e) {
      // Claiming jobs without an evaluator would only burn their attempts.
      opts.onStatus?.({ state: "starting", at: Date.now(), error: (e as Error).message });
      log(
        `cannot load the evaluator from ${model.dir}: ${(e as Error).message}; retrying in ${Math.max(pollMs, 5000)} ms`,
      );
      await sleepUntilWoken(Math.max(pollMs, 5000), opts.signal);
    }
  }

  const report = (state: LoopState, extra: Omit<LoopReport, "state" | "at"> = {}) =>
    opts.onStatus?.({ state, at: Date.now(), ...extra });
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
  let busySince: number | undefined;
  /** Waits out a busy database with backoff (asynchronously), reporting and logging the wait. */
  const whileBusy = <T>(what: string, fn: () => T | Promise<T>, signal = opts.signal) =>
    retryWhileBusy(fn, {
      signal,
      onBusy: (attempt, e) => {
        report("database_busy", { error: message(e) });
        if (attempt === 1) {
          busySince = Date.now();
          log(`database busy while ${what} (another process holds the write lock); waiting and retrying`);
        }
      },
    }).finally(() => {
      if (busySince !== undefined) log(`database free again after ${((Date.now() - busySince) / 1000).toFixed(1)} s`);
      busySince = undefined;
    });
  let failures = 0;
  const backOff = async (what: string, e: unknown) => {
    const delay = Math.min(FAILURE_BACKOFF_MS[0] * 2 ** failures++, FAILURE_BACKOFF_MS[1]);
    report("failing", { error: message(e) });
    log(`${what}: ${message(e)}; retrying in ${delay} ms`);
    await sleepUntilWoken(delay, opts.signal);
  };

  while (!stopping()) {
    let job: ClaimedJob | undefined;
    // Demo runs are toy-world results: only a toy-world evaluator scores them.
    const demoRuns = evaluator?.identity.name === TOY_EVALUATOR_NAME;
    try {
      job = await whileBusy("claiming a job", () =>
        source.claim(workerId, leaseMs, { evaluator: evaluator!.identity, signal: opts.signal }),
      );
    } catch (e) {
      if (stopping()) break;
      if (e instanceof StopWorkerError) {
        report("stopped", { error: e.message });
        throw e;
      }
      // A busy database was waited out above: this is another error (an unreachable server, say).
      await backOff("could not claim a job", e);
      continue;
    }
    failures = 0;
    if (!job) {
      report("idle");
      if (opts.exitWhenIdle) break;
      await source.idle(Math.min(pollMs, MAX_IDLE_WAIT_MS), opts.signal);
      continue;
    }
    const claimed = job;
    report("working", { jobId: claimed.id, runId: claimed.runId });
    log(`claimed job ${claimed.id} (run ${claimed.runId}, attempt ${claimed.attempts}/${claimed.maxAttempts})`);
    const jobLeaseMs = claimed.leaseMs ?? leaseMs;
    const lease = { jobId: claimed.id, workerId, leaseMs: jobLeaseMs };
    const lost = new AbortController();
    const preempt = new AbortController();
    const lanes = source.lanes;
    const checkPreempt = () => {
      if (!lanes || claimed.priority === 0 || preempt.signal.aborted) return;
      try {
        if (lanes.higherLaneWaiting(claimed, { demoRuns }))
          preempt.abort(new PreemptedError(claimed.id, claimed.priority));
      } catch {
        // a busy database: the next heartbeat checks again
      }
    };
    const unsubscribe = lanes && claimed.priority > 0 ? lanes.onJobQueued(() => setImmediate(checkPreempt)) : () => {};
    // ONNX inference holds the event loop for a batch at a time, so beats land between batches;
    // the lease must outlast one batch (it does by far: ~1 s per batch of 16 on 2 cores for ViT-B/32).
    let beating = false;
    const timer = setInterval(
      () => {
        report("working", { jobId: claimed.id, runId: claimed.runId });
        checkPreempt();
        if (beating) return;
        beating = true;
        source
          .heartbeat(claimed, workerId, jobLeaseMs)
          .then(
            (held) => {
              if (!held) lost.abort(new LeaseLostError(claimed.id, workerId));
            },
            // A busy database or a failed request is not a lost lease; the next beat or the chunk commit tries again.
            (e: unknown) => log(`heartbeat failed: ${message(e)}`),
          )
          .finally(() => (beating = false));
      },
      Math.min(heartbeatMs, Math.max(10, Math.floor(jobLeaseMs / 3))),
    );
    const signal = AbortSignal.any([lost.signal, preempt.signal, ...(opts.signal ? [opts.signal] : [])]);
    try {
      const done = await JOB_HANDLERS[claimed.kind].handle(claimed, {
        evaluator: evaluator!,
        stores: source.stores(claimed, evaluator!, lease),
        signal,
        log,
        chunkSize: opts.chunkSize,
      });
      stats.jobsDone++;
      log(`finished job ${claimed.id}: ${done}`);
    } catch (e) {
      clearInterval(timer);
      unsubscribe();
      if (e instanceof StopWorkerError) {
        report("stopped", { error: e.message });
        throw e;
      }
      try {
        await settleFailedJob(claimed, e, lost.signal.aborted, preempt.signal.aborted);
      } catch (settleError) {
        if (settleError instanceof StopWorkerError) {
          report("stopped", { error: settleError.message });
          throw settleError;
        }
        if (!stopping()) await backOff(`could not settle job ${claimed.id}`, settleError);
      }
    } finally {
      clearInterval(timer);
      unsubscribe();
      opts.onJob?.({ ...stats });
    }
  }
  report("stopped");

  /** After a handler threw: the job's run was deleted, the lease was lost, the worker stops, it made way for a higher lane, the database was busy, or the job failed. */
  async function settleFailedJob(job: ClaimedJob, e: unknown, leaseLost: boolean, preempted: boolean): Promise<void> {
    // Deleting a run deletes its jobs: there is nothing to hand back and no other worker has it.
    const exists = await whileBusy("checking a job", () => source.exists(job), undefined);
    if (!exists) {
      log(`job ${job.id} ended: run ${job.runId} was deleted while it was being scored`);
      return;
    }
    if (e instanceof LeaseLostError || leaseLost) {
      stats.leasesLost++;
      log(`lost the lease on job ${job.id}; another worker has it`);
    } else if (stopping()) {
      const released = await retryWhileBusy(() => source.release(job, workerId), { maxWaitMs: 10_000 }).catch(
        (err: unknown) => {
          log(`could not hand job ${job.id} back (${message(err)}); its lease will expire`);
          return false;
        },
      );
      if (released) log(`stopping: job ${job.id} handed back to the queue`);
    } else if (preempted || e instanceof PreemptedError) {
      await whileBusy(`handing back job ${job.id}`, () => source.release(job, workerId));
      log(
        `job ${job.id} (${laneOfPriority(job.priority)} lane) handed back without using an attempt: a job of a higher lane is waiting`,
      );
    } else if (isBusyError(e)) {
      // Not the job's fault: hand it back without using an attempt and claim again once the lock is free.
      await whileBusy(`handing back job ${job.id}`, () => source.release(job, workerId));
      log(`job ${job.id} met a busy database (${message(e)}); handed back to the queue without using an attempt`);
    } else {
      const msg = message(e);
      // A run that vanished or is invalid will not get better on a retry.
      const retry = !(isAppError(e) && (e.code === "not_found" || e.code === "validation_failed"));
      const result = await whileBusy(`failing job ${job.id}`, () => source.fail(job, workerId, msg, { retry }));
      if (result === "requeued") stats.jobsRequeued++;
      else if (result === "failed") stats.jobsFailed++;
      log(
        `job ${job.id} ${result === "requeued" ? "failed, requeued" : result === "failed" ? "failed for good" : "failed after losing its lease"}: ${msg}`,
      );
      if (!isAppError(e) && e instanceof Error && e.stack) log(e.stack);
    }
  }
  return stats;
}
