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

/** A worker thread running `entry` (e.g. "lib/scoring/metrics-thread.ts"); `data` arrives as workerData.data. */
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
