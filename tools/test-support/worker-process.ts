// Shared by the crash tests: `npm run worker` as a child process, and polling for a condition.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { ENTRY_POINTS } from "../../lib/core/entry-points";

export type WorkerProcess = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

/** Starts scripts/service/worker.ts with `env` on top of this process's environment (same data folder) and `args` added. */
export function spawnWorker(id: string, env: Record<string, string>, args: string[] = []): WorkerProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.resolve(ENTRY_POINTS.worker), "--worker-id", id, ...args],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Polls `fn` every `everyMs` until it returns something truthy; throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 5,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
