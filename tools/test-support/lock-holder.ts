// Starts tools/test-support/hold-write-lock.ts: another process that holds the database's write
// lock for `ms`. Resolves once it holds it; `released` resolves when it let go and exited.
import { spawn } from "node:child_process";
import path from "node:path";
import { TEST_ENTRY_POINTS } from "./entry-points";

export type LockHolder = { released: Promise<void>; kill: () => void };

export async function holdWriteLock(dbFile: string, ms: number): Promise<LockHolder> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.resolve(TEST_ENTRY_POINTS.holdWriteLock), dbFile, String(ms)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  const released = new Promise<void>((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`lock holder exited ${code}`)))),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("locked")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`lock holder exited ${code} before locking`)));
  });
  return { released, kill: () => child.kill("SIGKILL") };
}
