// A model folder's identity for provenance: SHA-256 over "<relative path>\0<sha256 of file>\n"
// for every file under it, sorted by path (the scheme lib/clip/identity.ts uses for evaluators,
// here over all files since a generator's every file can shape its images).
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { sha256File } from "../../clip/identity";

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(abs, base)));
    else if (e.isFile()) out.push(abs);
  }
  return out;
}

/** `{ name: folder name, sha256 }`; throws if the folder cannot be read. */
export async function modelDigest(dir: string): Promise<{ name: string; sha256: string }> {
  const files = await listFiles(dir);
  const rows = await Promise.all(
    files.map(async (f) => ({ rel: path.relative(dir, f).split(path.sep).join("/"), sha: await sha256File(f) })),
  );
  rows.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const h = createHash("sha256");
  for (const r of rows) h.update(`${r.rel}\0${r.sha}\n`);
  return { name: path.basename(path.resolve(dir)), sha256: h.digest("hex") };
}
