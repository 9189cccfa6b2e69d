// Starts a worker thread on one of this project's TypeScript files. The thread registers tsx's
// loader (which `npm start` already runs on) and imports the entry from the sources, so it works
// the same under `next start` (whose bundles cannot be a worker's entry), the CLI and vitest.
// Paths are relative to the project root, the server's working folder.
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

// A tiny CommonJS script; an eval'd worker resolves bare specifiers from the working folder.
const BOOT = `
const { workerData } = require("node:worker_threads");
import("tsx/esm/api").then((tsx) => tsx.tsImport(workerData.entry, workerData.entry));
`;

/** A worker thread running `entry` (e.g. "lib/workers/queue-thread.ts"); `data` arrives as workerData.data. */
export function startTsWorker(entry: string, data?: unknown): Worker {
  const file = pathToFileURL(path.join(/*turbopackIgnore: true*/ process.cwd(), entry)).href;
  return new Worker(BOOT, { eval: true, workerData: { entry: file, data } });
}

/**
 * Lowers the calling thread's CPU priority (nice 10). On Linux a nice value is per thread and
 * inherited by the threads it starts afterwards (ONNX's pool), so the web server's own thread
 * wins the CPU whenever it has a request to answer. Best effort: ignored where not permitted.
 */
export function lowerThisThreadsPriority(): void {
  try {
    // os.setPriority(0, …) is setpriority(PRIO_PROCESS, 0): on Linux, the calling thread only.
    os.setPriority(0, 10);
  } catch {
    // not permitted here: the work still runs off the event loop
  }
}

// On globalThis: Next.js bundles instrumentation.ts and the route handlers separately, and each
// bundle could hold its own copy of this module; the process must still have one thread.
const registry = ((globalThis as Record<symbol, unknown>)[Symbol.for("t2i-eval.shared-threads")] ??= {
  shared: new Map<string, Worker>(),
  initMessages: new Map<string, unknown[]>(),
}) as { shared: Map<string, Worker>; initMessages: Map<string, unknown[]> };
const { shared, initMessages } = registry;

/**
 * The one thread of `entry` in this process, started on first use (unref'd: callers ref it while
 * they wait on it). The service's evaluator lives in one such thread (lib/workers/queue-thread.ts),
 * which both works the queue and scores /api/v1/metrics batches, so the process holds its ONNX
 * sessions once. A thread that exits is forgotten; the next call starts a new one and posts it the
 * messages registered with onSharedThreadStart.
 */
export function sharedThread(entry: string): Worker {
  let w = shared.get(entry);
  if (w) return w;
  w = startTsWorker(entry);
  w.unref();
  const started = w;
  started.once("exit", () => {
    if (shared.get(entry) === started) shared.delete(entry);
  });
  shared.set(entry, started);
  for (const m of initMessages.get(entry) ?? []) started.postMessage(m);
  return started;
}

/** Posts `message` to the shared thread of `entry` now (starting it) and to every later one. */
export function onSharedThreadStart(entry: string, message: unknown): Worker {
  initMessages.set(entry, [...(initMessages.get(entry) ?? []), message]);
  const w = shared.get(entry);
  if (w) {
    w.postMessage(message);
    return w;
  }
  return sharedThread(entry);
}

/** Ends the shared thread of `entry` and forgets its start messages (tests). */
export async function stopSharedThread(entry: string): Promise<void> {
  initMessages.delete(entry);
  const w = shared.get(entry);
  shared.delete(entry);
  if (w) await w.terminate();
}
