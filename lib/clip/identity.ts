// An evaluator's identity: the model name plus the SHA256 of every file that shapes a score —
// configs, tokenizer, the ONNX graphs and every external-data file they reference — and, for an
// image feature extractor, the name of its preprocessing recipe. Results are stored with the id,
// so scores from different weights, tokenizers, preprocessing configs or recipes are never mixed
// in one table or ranking.
import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { threadId } from "node:worker_threads";
import { config } from "../core/config";
import type { ModelFolder, ModelKind } from "./model-folder";

export type EvaluatorFile = { path: string; sha256: string };

export type EvaluatorIdentity = {
  /** `<short name>@<first 12 hex of the digest>`; `<short name>+<recipe>@…` for a feature extractor. */
  id: string;
  name: string;
  variant: string;
  files: EvaluatorFile[];
  /** True for random-weight fixtures: their scores are not meaningful. */
  isFixture: boolean;
  /** "clip" scores prompts and images; "image-features" serves distribution metrics only. */
  kind: ModelKind;
  /** An image feature extractor's preprocessing recipe (./feature-recipes.ts); part of the digest. */
  recipe?: string;
};

const hashCache = new Map<string, Promise<string>>();

/**
 * File hashes kept across processes, so a restarted server names its evaluator without reading
 * hundreds of MB again: `<cache dir>/file-sha256.json`, keyed like git's index by absolute path,
 * size, mtime and inode (a file rewritten in place with the same size and mtime would keep its old
 * hash, as in git; every install and copy changes the mtime). Best effort: an unreadable or
 * unwritable cache only costs the hashing.
 */
const DISK_CACHE_FILE = "file-sha256.json";
const DISK_CACHE_MAX = 2000;
let disk: { file: string; entries: Map<string, string> } | undefined;

function diskCache(): { file: string; entries: Map<string, string> } {
  const file = path.join(config().cacheDir, DISK_CACHE_FILE);
  if (disk?.file === file) return disk;
  let entries = new Map<string, string>();
  try {
    const raw = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (raw && typeof raw === "object")
      entries = new Map(
        Object.entries(raw as Record<string, unknown>).filter(
          (e): e is [string, string] => typeof e[1] === "string" && /^[0-9a-f]{64}$/.test(e[1]),
        ),
      );
  } catch {
    // none yet, or unreadable: start empty
  }
  disk = { file, entries };
  return disk;
}

function remember(key: string, sha256: string): void {
  try {
    const c = diskCache();
    c.entries.delete(key);
    c.entries.set(key, sha256);
    while (c.entries.size > DISK_CACHE_MAX) c.entries.delete(c.entries.keys().next().value!);
    mkdirSync(path.dirname(c.file), { recursive: true });
    const tmp = `${c.file}.${process.pid}.${threadId}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(c.entries)));
    renameSync(tmp, c.file);
  } catch {
    // a read-only cache folder: the hash is still cached in this process
  }
}

/** Forgets this process's hashes (tests: the next call reads the disk cache or the file). */
export function forgetHashesInThisProcess(): void {
  hashCache.clear();
  disk = undefined;
}

export async function sha256File(file: string): Promise<string> {
  const st = await fs.stat(file);
  const key = `${path.resolve(file)}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
  let p = hashCache.get(key);
  if (!p) {
    const known = diskCache().entries.get(key);
    p = known
      ? Promise.resolve(known)
      : new Promise<string>((resolve, reject) => {
          const h = createHash("sha256");
          createReadStream(file)
            .on("data", (c) => h.update(c))
            .on("error", reject)
            .on("end", () => {
              const hex = h.digest("hex");
              remember(key, hex);
              resolve(hex);
            });
        });
    p.catch(() => hashCache.delete(key));
    hashCache.set(key, p);
  }
  return p;
}

/** The files of a CLIP folder that shape a score, absolute. */
export function identityFiles(folder: ModelFolder): string[] {
  const f = folder.files;
  return [f.config, f.preprocessor, f.tokenizer, f.tokenizerConfig, f.vision, f.text, ...f.external].filter(
    (x): x is string => x !== undefined,
  );
}

/** Hashes `absFiles` (cached per path, size and mtime) into their folder-relative entries, sorted by path. */
export async function hashFolderFiles(dir: string, absFiles: string[]): Promise<EvaluatorFile[]> {
  const files = await Promise.all(
    absFiles.map(async (abs) => ({
      path: path.relative(dir, abs).split(path.sep).join("/"),
      sha256: await sha256File(abs),
    })),
  );
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The identity of a model named `name` with these files. The digest covers each file's path and
 * SHA256 and, for a feature extractor, its recipe; a CLIP without external data keeps the id it had
 * before external data was hashed (the digest over the same lines).
 */
export function identityOf(m: {
  name: string;
  variant: string;
  files: EvaluatorFile[];
  isFixture: boolean;
  kind: ModelKind;
  recipe?: string;
}): EvaluatorIdentity {
  const files = [...m.files].sort((a, b) => a.path.localeCompare(b.path));
  return {
    id: identityId(m.name, files, m.recipe),
    name: m.name,
    variant: m.variant,
    files,
    isFixture: m.isFixture,
    kind: m.kind,
    ...(m.recipe !== undefined ? { recipe: m.recipe } : {}),
  };
}

export async function evaluatorIdentity(folder: ModelFolder): Promise<EvaluatorIdentity> {
  return identityOf({
    name: folder.name,
    variant: folder.variant,
    files: await hashFolderFiles(folder.dir, identityFiles(folder)),
    isFixture: folder.isFixture,
    kind: "clip",
  });
}

/**
 * `<short name>[+<recipe>]@<first 12 hex of SHA-256 over the files' paths and hashes, sorted by
 * path, then the recipe>`: what identityOf names a model, recomputable from what a worker states.
 */
export function identityId(name: string, files: readonly EvaluatorFile[], recipe?: string): string {
  const digest = createHash("sha256");
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path)))
    digest.update(`${file.path}\0${file.sha256}\n`);
  if (recipe !== undefined) digest.update(`recipe\0${recipe}\n`);
  return `${name.split("/").pop()!}${recipe !== undefined ? `+${recipe}` : ""}@${digest.digest("hex").slice(0, 12)}`;
}

export const FIXTURE_WARNING = "test evaluator: random weights, scores not meaningful";

/** The trained toy-world CLIP (fixtures/clip-toy): its config's _name_or_path, hence its identity name. */
export const TOY_EVALUATOR_NAME = "t2i-eval/clip-toy-world";
export const TOY_WARNING = "toy-world evaluator: meaningful only on toy-world images";

/** The label every number from this evaluator carries: fixture and toy models have one, real models none. */
export function evaluatorWarning(e: { name: string; isFixture: boolean }): string | undefined {
  if (e.isFixture) return FIXTURE_WARNING;
  if (e.name === TOY_EVALUATOR_NAME) return TOY_WARNING;
  return undefined;
}
