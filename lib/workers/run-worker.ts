// The scoring worker loop, run by `npm run worker` (any number of processes on one database, or
// anywhere against a server's HTTP API with --server) and inside the web server. Claims a job
// from its source (job-source.ts), hands it to its kind's handler (handlers/index.ts) while a
// timer renews the lease, and marks it done, requeued or failed. Stopping (the signal aborts)
// lets the handler finish its current chunk, hands the job back to the queue and resolves.
import os from "node:os";
import { randomBytes } from "node:crypto";
import { getEvaluator, type ClipEvaluator } from "../clip/evaluator";
import { evaluatorWarning, TOY_EVALUATOR_NAME } from "../clip/identity";
import { resolveServiceModel, type ResolvedModel } from "../clip/resolve-model";
import { getServiceEvaluator } from "../scoring/service-evaluator";
import { config } from "../core/config";
import type { ProviderChoice } from "../core/execution-provider";
import { isAppError } from "../core/errors";
import { LeaseLostError } from "../jobs/lease";
import { sleepUntilWoken } from "../jobs/wake";
import { JOB_HANDLERS } from "./handlers";
import { StopWorkerError, type ClaimedJob, type JobSource } from "./job-source";
import { localJobSource } from "./local-job-source";

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
};

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
      log(
        `cannot load the evaluator from ${model.dir}: ${(e as Error).message}; retrying in ${Math.max(pollMs, 5000)} ms`,
      );
      await sleepUntilWoken(Math.max(pollMs, 5000), opts.signal);
    }
  }

  while (!stopping()) {
    let job: ClaimedJob | undefined;
    try {
      job = await source.claim(workerId, leaseMs, { evaluator: evaluator!.identity, signal: opts.signal });
    } catch (e) {
      if (stopping()) break;
      if (e instanceof StopWorkerError) throw e;
      // A busy database or an unreachable server: try again after a pause instead of dying.
      log(`claiming failed: ${(e as Error).message}; trying again in ${Math.max(pollMs, 1000)} ms`);
      await sleepUntilWoken(Math.max(pollMs, 1000), opts.signal);
      continue;
    }
    if (!job) {
      if (opts.exitWhenIdle) break;
      await source.idle(pollMs, opts.signal);
      continue;
    }
    log(`claimed job ${job.id} (run ${job.runId}, attempt ${job.attempts}/${job.maxAttempts})`);
    const jobLeaseMs = job.leaseMs ?? leaseMs;
    const lease = { jobId: job.id, workerId, leaseMs: jobLeaseMs };
    const lost = new AbortController();
    // ONNX inference holds the event loop for a batch at a time, so beats land between batches;
    // the lease must outlast one batch (it does by far: ~1 s per batch of 16 on 2 cores for ViT-B/32).
    let beating = false;
    const timer = setInterval(
      () => {
        if (beating) return;
        beating = true;
        source
          .heartbeat(job, workerId, jobLeaseMs)
          .then(
            (held) => {
              if (!held) lost.abort(new LeaseLostError(job.id, workerId));
            },
            // A busy database or a failed request is not a lost lease; the next beat or the chunk commit tries again.
            (e: unknown) => log(`heartbeat failed: ${(e as Error).message}`),
          )
          .finally(() => (beating = false));
      },
      Math.min(heartbeatMs, Math.max(10, Math.floor(jobLeaseMs / 3))),
    );
    const signal = opts.signal ? AbortSignal.any([opts.signal, lost.signal]) : lost.signal;
    try {
      const done = await JOB_HANDLERS[job.kind].handle(job, {
        evaluator: evaluator!,
        stores: source.stores(job, evaluator!, lease),
        signal,
        log,
        chunkSize: opts.chunkSize,
      });
      stats.jobsDone++;
      log(`finished job ${job.id}: ${done}`);
    } catch (e) {
      if (e instanceof StopWorkerError) throw e;
      if (e instanceof LeaseLostError || lost.signal.aborted) {
        stats.leasesLost++;
        log(`lost the lease on job ${job.id}; another worker has it`);
      } else if (stopping()) {
        const released = await source.release(job, workerId).catch((err: unknown) => {
          log(`could not hand job ${job.id} back (${(err as Error).message}); its lease will expire`);
          return false;
        });
        if (released) log(`stopping: job ${job.id} handed back to the queue`);
      } else {
        const message = e instanceof Error ? e.message : String(e);
        // A run that vanished or is invalid will not get better on a retry.
        const retry = !(isAppError(e) && (e.code === "not_found" || e.code === "validation_failed"));
        const result = await source.fail(job, workerId, message, { retry }).catch((err: unknown) => {
          if (err instanceof StopWorkerError) throw err;
          log(`could not report job ${job.id} failed (${(err as Error).message}); its lease will expire`);
          return "unreported" as const;
        });
        if (result === "requeued") stats.jobsRequeued++;
        else if (result === "failed") stats.jobsFailed++;
        log(
          `job ${job.id} ${result === "requeued" ? "failed, requeued" : result === "failed" ? "failed for good" : result === "unreported" ? "failed" : "failed after losing its lease"}: ${message}`,
        );
        if (!isAppError(e) && e instanceof Error && e.stack) log(e.stack);
      }
    } finally {
      clearInterval(timer);
    }
  }
  return stats;
}
