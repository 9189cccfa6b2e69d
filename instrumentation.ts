// Runs once when the Next.js server starts: the web process also works the scoring queue (in a
// worker thread), so a single `npm start` is a complete service. NEXT_RUNTIME is set by Next itself.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config } = await import("./lib/config");
  const { migrate } = await import("./db/migrate");
  migrate();
  if (!config().inProcessWorker) return;
  // In a worker thread: scoring must not hold the event loop that answers requests.
  const { startQueueThread } = await import("./lib/jobs/start-queue-thread");
  const stop = startQueueThread(`web-${process.pid}`);
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, stop);
}
