// Runs once when the Next.js server starts: the web process also works the scoring queue (in a
// worker thread), so a single `npm start` is a complete service. NEXT_RUNTIME is set by Next itself.
// It also removes crash leftovers (at start and every T2I_CLEANUP_INTERVAL_MS) and says how
// many runs lack scores from the installed evaluator.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config } = await import("./lib/core/config");
  const { migrate } = await import("./db/migrate");
  migrate();
  // This thread answers requests: its writes wait for the lock briefly, never seconds (db/client.ts).
  const { markRequestThread } = await import("./db/client");
  markRequestThread();
  const { startLeftoverCleanup } = await import("./lib/storage/remove-leftovers");
  startLeftoverCleanup();
  const { rescoreHint, rescoreHintLine } = await import("./lib/runs/rescore-hint");
  void rescoreHint()
    .then((h) => {
      const line = rescoreHintLine(h);
      if (line) console.log(line);
    })
    .catch((e: unknown) => console.error("could not count runs lacking scores:", e));
  if (!config().inProcessWorker) return;
  // In a worker thread: scoring must not hold the event loop that answers requests.
  const { startQueueThread } = await import("./lib/workers/start-queue-thread");
  const stop = startQueueThread(`web-${process.pid}`);
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, stop);
}
