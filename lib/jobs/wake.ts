// Wakes this process's idle workers when a job is queued here, instead of waiting a poll interval.
import { EventEmitter } from "node:events";

const emitter = new EventEmitter();
emitter.setMaxListeners(0);

export function notifyJobQueued(): void {
  emitter.emit("queued");
}

/** Resolves after `ms`, when a job is queued in this process, or when `signal` aborts. */
export function sleepUntilWoken(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      emitter.off("queued", done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    emitter.on("queued", done);
    signal?.addEventListener("abort", done, { once: true });
  });
}
