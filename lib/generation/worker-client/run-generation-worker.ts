// The generation worker loop (docs/reference/worker-protocol.md): long-poll a claim, generate every sample
// while a lease keeper heartbeats, PUT each sample as it is ready, complete. Failures are
// reported with `fail`; a lost lease abandons the task silently (it is someone else's now).
//
// Two ways to stop: `stop` ends claiming (an in-flight long poll is cut) and lets the current
// task finish; `abandon` also stops the current task now and reports it failed, so it goes
// back to the queue at once instead of after its lease runs out.
import { backoffDelay, sleep } from "./backoff";
import type { GenerationEngine } from "./engine";
import { LeaseKeeper } from "./lease-keeper";
import type { Task } from "./task-schema";
import {
  LeaseLostError,
  MissingSamplesError,
  UnreadableTaskError,
  WorkerApiError,
  type WorkerApi,
  type WorkerProvenance,
} from "./worker-api";

export type GenerationWorkerOptions = {
  api: WorkerApi;
  engine: GenerationEngine;
  variants: string[];
  /** Long-poll wait per claim, 0–30 s. */
  waitSeconds: number;
  /** Handle at most one claim (a task or an empty answer), then return. */
  once?: boolean;
  stop?: AbortSignal;
  abandon?: AbortSignal;
  log?: (line: string) => void;
  /** Sent with each complete: the engine and the model folder (name and digest). */
  provenance?: WorkerProvenance;
};

export type GenerationWorkerStats = {
  tasksCompleted: number;
  tasksFailed: number;
  leasesLost: number;
  samplesUploaded: number;
};

/** Fail reports longer than this are cut (the start says what failed, the end why). */
const MAX_FAIL_MESSAGE = 4000;

function errorText(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.length <= MAX_FAIL_MESSAGE ? s : `${s.slice(0, 1000)}\n…\n${s.slice(-(MAX_FAIL_MESSAGE - 1010))}`;
}

export async function runGenerationWorker(opts: GenerationWorkerOptions): Promise<GenerationWorkerStats> {
  const { api, engine } = opts;
  const log = opts.log ?? ((line: string) => console.log(line));
  if (opts.variants.length === 0) throw new Error("a worker needs at least one variant to claim");
  if (!Number.isInteger(opts.waitSeconds) || opts.waitSeconds < 0 || opts.waitSeconds > 30) {
    throw new Error(`waitSeconds must be an integer in 0..30, got ${opts.waitSeconds}`);
  }
  const stats: GenerationWorkerStats = { tasksCompleted: 0, tasksFailed: 0, leasesLost: 0, samplesUploaded: 0 };
  const stopping = () => opts.stop?.aborted === true || opts.abandon?.aborted === true;
  const stopSignal =
    opts.abandon && opts.stop ? AbortSignal.any([opts.stop, opts.abandon]) : (opts.stop ?? opts.abandon);
  let claimFailures = 0;

  while (!stopping()) {
    let claimed;
    try {
      claimed = await api.claim(opts.variants, opts.waitSeconds, stopSignal);
      claimFailures = 0;
    } catch (e) {
      if (stopping()) break;
      if (e instanceof UnreadableTaskError) {
        log(`task ${e.taskId}: ${e.message}; reporting it failed`);
        await reportFailure(e.taskId, e.message);
        if (opts.once) break;
        continue;
      }
      // Bad credentials or a server that refuses this worker will not fix themselves.
      if (e instanceof WorkerApiError && (e.status === 401 || e.status === 403 || e.status === 404 || e.status === 422))
        throw e;
      if (opts.once) throw e;
      claimFailures++;
      const delay = backoffDelay(claimFailures, { baseMs: 1000, maxMs: 60_000 });
      log(`claim failed: ${(e as Error).message}; next try in ${(delay / 1000).toFixed(1)} s`);
      try {
        await sleep(delay, stopSignal);
      } catch {
        break;
      }
      continue;
    }
    if (!claimed) {
      if (opts.once) break;
      continue;
    }
    await runTask(claimed.task, claimed.leaseMs);
    if (opts.once) break;
  }
  return stats;

  async function reportFailure(taskId: string, message: string): Promise<void> {
    try {
      const { retry } = await api.fail(taskId, message);
      log(`task ${taskId}: reported failed; ${retry ? "the server will retry it" : "it has used up its attempts"}`);
    } catch (e) {
      if (e instanceof LeaseLostError) log(`task ${taskId}: the lease was gone before the failure could be reported`);
      else
        log(`task ${taskId}: could not report the failure (${(e as Error).message}); its lease will run out instead`);
    }
  }

  async function runTask(task: Task, leaseMs: number): Promise<void> {
    const started = performance.now();
    log(
      `task ${task.id}: claimed (variant ${task.variant}, prompt ${task.prompt.id}, ${task.samples.length} samples, ` +
        `${task.width}×${task.height}, ${task.steps} steps, ${task.sampler}, guidance ${task.guidanceScale}, attempt ${task.attempt}, lease ${(leaseMs / 1000).toFixed(1)} s)`,
    );
    const keeper = new LeaseKeeper(api, task.id, leaseMs, log);
    keeper.start();
    const signal = opts.abandon ? AbortSignal.any([keeper.lost, opts.abandon]) : keeper.lost;
    const uploaded = new Set<number>();
    const wanted = new Set(task.samples.map((s) => s.index));
    try {
      await engine.generate(task, {
        signal,
        log,
        onSample: async (index, png) => {
          if (!wanted.has(index)) throw new Error(`the engine produced sample ${index}, which is not in the task`);
          signal.throwIfAborted();
          const r = await api.putSample(task.id, index, png, keeper.lost);
          if (r === "other_bytes_stored") {
            log(
              `task ${task.id}: the server already holds other bytes for sample ${index} (an earlier attempt); it keeps those`,
            );
          }
          if (!uploaded.has(index)) stats.samplesUploaded++;
          uploaded.add(index);
        },
      });
      const missing = [...wanted].filter((i) => !uploaded.has(i));
      if (missing.length > 0) throw new Error(`the engine finished without samples ${missing.join(", ")}`);
      // Every sample is stored: completing is right even if a stop came in meanwhile.
      await api.complete(task.id, keeper.lost, opts.provenance);
      stats.tasksCompleted++;
      log(`task ${task.id}: completed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (e) {
      if (keeper.lost.aborted || e instanceof LeaseLostError) {
        stats.leasesLost++;
        log(`task ${task.id}: lease lost; abandoned (another worker will take it)`);
        return;
      }
      keeper.stop();
      const message =
        opts.abandon?.aborted && !(e instanceof MissingSamplesError)
          ? `the worker was stopped before finishing the task (${errorText(opts.abandon.reason)})`
          : errorText(e);
      stats.tasksFailed++;
      log(`task ${task.id}: failed: ${message}`);
      await reportFailure(task.id, message);
    } finally {
      keeper.stop();
    }
  }
}
