// Wakes this process's idle workers when a job is queued here, instead of waiting a poll interval,
// also across threads: the web server's worker runs in a worker thread (start-queue-thread.ts).
import { EventEmitter } from "node:events";
import { BroadcastChannel } from "node:worker_threads";

const emitter = new EventEmitter();
emitter.setMaxListeners(0);

let channel: BroadcastChannel | undefined;
/** The process-wide channel, opened on first use; unref'd so it never keeps a process alive. */
function queuedChannel(): BroadcastChannel {
  if (!channel) {
    channel = new BroadcastChannel("t2i-eval:job-queued");
    channel.onmessage = () => emitter.emit("queued");
    channel.unref();
  }
  return channel;
}

export function notifyJobQueued(): void {
  emitter.emit("queued");
  queuedChannel().postMessage("queued");
}

/** Calls `listener` whenever a job is queued in this process (any thread); returns the unsubscribe. */
export function onJobQueued(listener: () => void): () => void {
  queuedChannel();
  emitter.on("queued", listener);
  return () => emitter.off("queued", listener);
}

/** Resolves after `ms`, when a job is queued in this process, or when `signal` aborts. */
export function sleepUntilWoken(ms: number, signal?: AbortSignal): Promise<void> {
  queuedChannel();
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
