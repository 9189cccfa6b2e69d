// An evaluator's identity without loading it: no ONNX session, so health checks, pages and the
// leaderboard can say which evaluator scores on this server at once. An install made by fetch-model
// (install.json, every file's SHA256 checked at install and its size at every start) gives the
// identity from its recorded hashes; any other folder (fixtures, T2I_MODEL_DIR) is hashed once per
// process (identity.ts caches by path, size and mtime). Both give the same id for the same files.
import fs from "node:fs";
import path from "node:path";
import { featureExtractorIdentity } from "./feature-extractor";
import type { FeatureRecipe } from "./feature-recipes";
import { evaluatorIdentity, identityOf, type EvaluatorIdentity } from "./identity";
import { readImageModelFolder } from "./image-model-folder";
import { INSTALL_MANIFEST, readInstalledModel } from "./installed-model";
import { detectModelKind, ModelFolderError, readModelFolder, type ModelVariant } from "./model-folder";

// On globalThis: Next.js bundles instrumentation.ts (which reads the identity at start-up for the
// re-score hint) apart from the route handlers; one cache lets the first health check reuse that work.
const cache = ((globalThis as Record<symbol, unknown>)[Symbol.for("t2i-eval.model-identities")] ??= new Map()) as Map<
  string,
  { stamp: string; identity: Promise<EvaluatorIdentity> }
>;

function stampOf(dir: string): string {
  try {
    const st = fs.statSync(path.join(dir, INSTALL_MANIFEST));
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return "no-install";
  }
}

/**
 * The identity of the model in `dir` at `variant` (and, for an image feature extractor, `recipe`,
 * default dgm-eval). Throws ModelFolderError or BrokenInstallError for an unusable folder.
 */
export function modelIdentity(
  dir: string,
  variant: ModelVariant,
  opts: { recipe?: FeatureRecipe } = {},
): Promise<EvaluatorIdentity> {
  const abs = path.resolve(dir);
  const key = JSON.stringify([abs, variant, opts.recipe ?? null]);
  const stamp = stampOf(abs);
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.identity;
  const identity = computeIdentity(abs, variant, opts.recipe);
  identity.catch(() => cache.delete(key));
  cache.set(key, { stamp, identity });
  return identity;
}

async function computeIdentity(dir: string, variant: ModelVariant, recipe?: FeatureRecipe): Promise<EvaluatorIdentity> {
  const kind = await detectModelKind(dir);
  const installed = readInstalledModel(dir);
  if (installed && installed.manifest.variant === variant && installed.manifest.kind === (kind ?? "clip")) {
    const m = installed.manifest;
    let isFixture = false;
    try {
      isFixture =
        (JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8")) as { t2i_fixture?: unknown })
          .t2i_fixture !== undefined;
    } catch {
      throw new ModelFolderError(`missing or unreadable config.json in model folder ${dir}`);
    }
    return identityOf({
      name: m.repo,
      variant: m.variant,
      files: m.files.map((f) => ({ path: f.path, sha256: f.sha256 })),
      isFixture,
      kind: m.kind,
      ...(m.kind === "image-features" ? { recipe: recipe ?? "dgm-eval" } : {}),
    });
  }
  if (kind === "image-features")
    return featureExtractorIdentity(await readImageModelFolder(dir, variant), recipe ?? "dgm-eval");
  return evaluatorIdentity(await readModelFolder(dir, variant));
}
