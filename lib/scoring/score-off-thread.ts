// Scores a batch in a worker thread (lib/scoring/metrics-thread.ts) instead of on the caller's
// event loop: while a heavy /api/v1/metrics request decodes, resizes and embeds, the server keeps
// answering other requests. One long-lived thread per process (its own ONNX sessions, loaded on
// first use); batches queue in it (lib/core/threads.ts starts it from the sources).
import type { Worker } from "node:worker_threads";
import { AppError, type ErrorCode } from "../core/errors";
import { startTsWorker } from "../core/threads";
import type { BatchReport } from "./score-batch";
import { ENTRY_POINTS } from "../core/entry-points";

export type ThreadItem = { file: string; prompt: string; group?: string; path: string };
export type ThreadRequest = { id: number; items: ThreadItem[]; seed?: number };
export type ThreadReply =
  | { id: number; report: BatchReport; error?: undefined }
  | {
      id: number;
      report?: undefined;
      error: { appError?: { code: ErrorCode; message: string; details?: unknown }; message?: string };
    };

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (r: BatchReport) => void; reject: (e: unknown) => void }>();

function failAll(e: unknown): void {
  for (const p of pending.values()) p.reject(e);
  pending.clear();
  worker = undefined;
}

function thread(): Worker {
  if (worker) return worker;
  const w = startTsWorker(ENTRY_POINTS.metricsThread);
  w.unref();
  w.on("message", (reply: ThreadReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (pending.size === 0) w.unref();
    if (reply.report) p.resolve(reply.report);
    else if (reply.error.appError)
      p.reject(new AppError(reply.error.appError.code, reply.error.appError.message, reply.error.appError.details));
    else p.reject(new Error(`metrics scoring thread: ${reply.error.message}`));
  });
  w.on("error", (e) => failAll(e));
  w.on("exit", (code) => failAll(new Error(`metrics scoring thread exited with code ${code}`)));
  worker = w;
  return w;
}

/** Scores staged files in the worker thread with the service's evaluator; same report as scoreBatch. */
export function scoreOffThread(items: ThreadItem[], opts: { seed?: number } = {}): Promise<BatchReport> {
  const w = thread();
  const id = nextId++;
  return new Promise<BatchReport>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref(); // keep the process alive while a batch is in flight
    w.postMessage({ id, items, seed: opts.seed } satisfies ThreadRequest);
  });
}

/** Ends the thread (tests; a later call starts a new one). */
export async function stopScoringThread(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (w) await w.terminate();
}
