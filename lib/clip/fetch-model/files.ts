// Small file helpers of fetch-model: hashing, sizes, existence, and the checks on names and
// paths that keep an install inside its folder.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { INSTALL_MANIFEST } from "../installed-model";
import { FetchModelError } from "./errors";

export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}

export async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

export function assertValidName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new FetchModelError("usage", `--name must be a plain folder name (letters, digits, . _ -), got "${name}"`);
  }
}

export function assertSafeRelativePath(p: string): void {
  if (path.isAbsolute(p) || p.split(/[\\/]/).some((s) => s === ".." || s === "") || p === INSTALL_MANIFEST) {
    throw new FetchModelError("usage", `refusing unsafe file path in the file list: "${p}"`);
  }
}
