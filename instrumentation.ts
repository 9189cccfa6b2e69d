// Runs once when the Next.js server starts. NEXT_RUNTIME is set by Next itself and replaced at
// build time, so the Edge build of this file drops the import (and with it every Node.js API).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startWebProcess } = await import("./lib/workers/start-web-process");
    startWebProcess();
  }
}
