// Scores a batch in the worker thread that holds the service's evaluator (lib/workers/queue-thread.ts,
// shared with the scoring queue: the process loads the model once) instead of on the caller's event
// loop: while a heavy /api/v1/metrics request decodes, resizes and embeds, the server keeps
// answering other requests. Batches queue in that thread (lib/core/threads.ts starts it).
import type { Worker } from "node:worker_threads";
import { AppError, type ErrorCode } from "../core/errors";
import { sharedThread, stopSharedThread } from "../core/threads";
import type { BatchReport } from "./score-batch";
import { ENTRY_POINTS } from "../core/entry-points";

export type ThreadItem = { file: string; prompt: string; group?: string; path: string };
export type ThreadRequest = { type: "score"; id: number; items: ThreadItem[]; seed?: number };
export type ThreadReply =
  | { type: "score-reply"; id: number; report: BatchReport; error?: undefined }
  | {
      type: "score-reply";
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
  const w = sharedThread(ENTRY_POINTS.queueThread);
  if (w === worker) return w;
  worker = w;
  w.on("message", (reply: ThreadReply | { type: string }) => {
    if (reply.type !== "score-reply") return;
    const r = reply as ThreadReply;
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (pending.size === 0) w.unref();
    if (r.report) p.resolve(r.report);
    else if (r.error.appError)
      p.reject(new AppError(r.error.appError.code, r.error.appError.message, r.error.appError.details));
    else p.reject(new Error(`scoring thread: ${r.error.message}`));
  });
  w.on("error", (e) => failAll(e));
  w.on("exit", (code) => failAll(new Error(`scoring thread exited with code ${code}`)));
  return w;
}

/** Scores staged files in the evaluator's thread; same report as scoreBatch. */
export function scoreOffThread(items: ThreadItem[], opts: { seed?: number } = {}): Promise<BatchReport> {
  const w = thread();
  const id = nextId++;
  return new Promise<BatchReport>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref(); // keep the process alive while a batch is in flight
    w.postMessage({ type: "score", id, items, seed: opts.seed } satisfies ThreadRequest);
  });
}

/** Ends the thread (tests; a later call starts a new one). */
export async function stopScoringThread(): Promise<void> {
  worker = undefined;
  await stopSharedThread(ENTRY_POINTS.queueThread);
}
