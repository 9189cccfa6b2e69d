// Runs once when the Next.js server starts: the web process also works the scoring queue,
// so a single `npm start` is a complete service. NEXT_RUNTIME is set by Next itself.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config } = await import("./lib/config");
  const { migrate } = await import("./db/migrate");
  migrate();
  if (!config().inProcessWorker) return;
  const { startWorker } = await import("./lib/jobs/run-worker");
  const stop = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => stop.abort());
  void startWorker({ workerId: `web-${process.pid}`, signal: stop.signal }).catch((e: unknown) => {
    console.error("in-process scoring worker stopped:", e);
  });
}
