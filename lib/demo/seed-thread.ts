// Entry of the worker thread in which `npm start` seeds the demo (seed-demo-in-thread.ts): the
// toy generators, the toy-world evaluator and the reference comparisons hold a thread for
// seconds at a time, and the thread that answers the port with the starting page and prints the
// progress must not wait for them.
import { parentPort, workerData } from "node:worker_threads";
import { isAppError } from "../core/errors";
import { seedDemo, type SeedDemoOptions } from "./seed-demo";

if (!parentPort) throw new Error("seed-thread.ts runs as a worker thread");
const port = parentPort;
const opts = (workerData as { data: Omit<SeedDemoOptions, "log" | "progress" | "signal"> }).data;
seedDemo({
  ...opts,
  log: (line) => port.postMessage({ type: "log", line }),
  progress: (p) => port.postMessage({ type: "progress", progress: p }),
}).then(
  (result) => port.postMessage({ type: "done", result }),
  (e: unknown) =>
    port.postMessage({
      type: "error",
      code: isAppError(e) ? e.code : "internal",
      message: e instanceof Error ? e.message : String(e),
    }),
);
