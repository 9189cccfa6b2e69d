// Installing atomically: the work folder of partial files, the swap of a complete staging folder
// onto <modelsDir>/<name>, and the per-name lock against two fetch-models at once.
import fs from "node:fs/promises";
import path from "node:path";
import { BrokenInstallError, INSTALL_MANIFEST, readInstalledModel, type InstallManifest } from "../installed-model";
import { FetchModelError, io, ioError } from "./errors";
import { exists } from "./files";
import type { Context } from "./download";

type CurrentInstall =
  { kind: "none" } | { kind: "foreign" } | { kind: "broken" } | { kind: "installed"; manifest: InstallManifest };

export async function readCurrentInstall(dir: string, log: (line: string) => void): Promise<CurrentInstall> {
  try {
    const installed = readInstalledModel(dir);
    if (installed) return { kind: "installed", manifest: installed.manifest };
    return (await exists(dir)) ? { kind: "foreign" } : { kind: "none" };
  } catch (err) {
    if (!(err instanceof BrokenInstallError)) throw err;
    // A broken install is replaced even without --force: nothing usable would be lost.
    log(`${err.message}; reinstalling`);
    return { kind: "broken" };
  }
}

/** Partial files only resume against the same repo@revision; otherwise start clean. */
export async function prepareWorkDir(ctx: Context): Promise<void> {
  const statePath = path.join(ctx.workDir, ".fetch-state.json");
  const state = { repo: ctx.options.repo, revision: ctx.options.revision };
  const previous = await fs.readFile(statePath, "utf8").catch(() => undefined);
  if (previous !== JSON.stringify(state)) {
    await fs.rm(ctx.workDir, { recursive: true, force: true });
  }
  await io(async () => {
    await fs.mkdir(ctx.workDir, { recursive: true });
    await fs.writeFile(statePath, JSON.stringify(state));
  }, ctx.workDir);
}

/**
 * Moves the verified files into a fresh staging folder, writes install.json there, then
 * swaps it in: the old install is renamed aside first and deleted only once the new one is
 * in place, so <name> is always either absent, the previous install or the new one.
 */
export async function installAtomically(
  ctx: Context,
  manifest: InstallManifest,
  finalDir: string,
  oldDir: string,
): Promise<void> {
  const modelsDir = path.dirname(finalDir);
  const staging = path.join(modelsDir, `.staging-${ctx.options.name}`);
  await fs.rm(staging, { recursive: true, force: true });
  await io(async () => {
    for (const file of manifest.files) {
      const to = path.join(staging, file.path);
      await fs.mkdir(path.dirname(to), { recursive: true });
      await fs.rename(path.join(ctx.workDir, file.path), to);
    }
    const handle = await fs.open(path.join(staging, INSTALL_MANIFEST), "w");
    try {
      await handle.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }, staging);

  const hadOld = await exists(finalDir);
  if (hadOld) await io(() => fs.rename(finalDir, oldDir), finalDir);
  try {
    await fs.rename(staging, finalDir);
  } catch (err) {
    if (hadOld) await fs.rename(oldDir, finalDir);
    throw ioError(err, finalDir);
  }
  await fs.rm(oldDir, { recursive: true, force: true });
  await fs.rm(ctx.workDir, { recursive: true, force: true });
}

/** One fetch-model per install name at a time; a lock left by a dead process is taken over. */
export async function acquireLock(lockPath: string, name: string): Promise<() => Promise<void>> {
  for (let i = 0; i < 2; i++) {
    try {
      await fs.writeFile(lockPath, String(process.pid), { flag: "wx" });
      return () => fs.rm(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw ioError(err, lockPath);
      const pid = Number(await fs.readFile(lockPath, "utf8").catch(() => ""));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new FetchModelError(
          "locked",
          `another fetch-model (pid ${pid}) is installing ${name}; wait for it, or delete ${lockPath} if that process is gone`,
        );
      }
      await fs.rm(lockPath, { force: true });
    }
  }
  throw new FetchModelError("locked", `could not take the lock ${lockPath}; delete it and rerun`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
