// An evaluator's identity: the model name plus the SHA256 of every file that shapes a score.
// Results are stored with the id, so scores from different weights, tokenizers or
// preprocessing configs are never mixed in one table or ranking.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { ModelFolder } from "./model-folder";

export type EvaluatorFile = { path: string; sha256: string };

export type EvaluatorIdentity = {
  /** `<short name>@<first 12 hex of the digest over all files>`. */
  id: string;
  name: string;
  variant: string;
  files: EvaluatorFile[];
  /** True for random-weight fixtures: their scores are not meaningful. */
  isFixture: boolean;
};

const hashCache = new Map<string, Promise<string>>();

export async function sha256File(file: string): Promise<string> {
  const st = await fs.stat(file);
  const key = `${file}:${st.size}:${st.mtimeMs}`;
  let p = hashCache.get(key);
  if (!p) {
    p = new Promise<string>((resolve, reject) => {
      const h = createHash("sha256");
      createReadStream(file)
        .on("data", (c) => h.update(c))
        .on("error", reject)
        .on("end", () => resolve(h.digest("hex")));
    });
    hashCache.set(key, p);
  }
  return p;
}

export async function evaluatorIdentity(folder: ModelFolder): Promise<EvaluatorIdentity> {
  const f = folder.files;
  const list = [f.config, f.preprocessor, f.tokenizer, f.tokenizerConfig, f.vision, f.text].filter(
    (x): x is string => x !== undefined,
  );
  const files = await Promise.all(
    list.map(async (abs) => ({
      path: path.relative(folder.dir, abs).split(path.sep).join("/"),
      sha256: await sha256File(abs),
    })),
  );
  files.sort((a, b) => a.path.localeCompare(b.path));
  return {
    id: identityId(folder.name, files),
    name: folder.name,
    variant: folder.variant,
    files,
    isFixture: folder.isFixture,
  };
}

/** `<short name>@<first 12 hex of SHA-256 over the files' paths and hashes, sorted by path>`. */
export function identityId(name: string, files: readonly EvaluatorFile[]): string {
  const digest = createHash("sha256");
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path)))
    digest.update(`${file.path}\0${file.sha256}\n`);
  return `${name.split("/").pop()!}@${digest.digest("hex").slice(0, 12)}`;
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
