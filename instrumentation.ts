// Runs once when the Next.js server starts: the web process also works the scoring queue,
// so a single `npm start` is a complete service. NEXT_RUNTIME is set by Next itself.
// It also removes crash leftovers (at start and every T2I_CLEANUP_INTERVAL_MS) and says how
// many runs lack scores from the installed evaluator.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config } = await import("./lib/config");
  const { migrate } = await import("./db/migrate");
  migrate();
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
  const { startWorker } = await import("./lib/jobs/run-worker");
  const stop = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => stop.abort());
  void startWorker({ workerId: `web-${process.pid}`, signal: stop.signal }).catch((e: unknown) => {
    console.error("in-process scoring worker stopped:", e);
  });
}
