// The service's evaluator: one per process, the installed real model or the labelled fixture.
// Its identity is read from the model folder (lib/clip/model-identity.ts) without loading it: the
// web thread answers health checks, pages and the leaderboard without an ONNX session; the thread
// that scores (lib/workers/queue-thread.ts) holds the only copy of the sessions.
import { getEvaluator, type ClipEvaluator } from "../clip/evaluator";
import type { EvaluatorIdentity } from "../clip/identity";
import { modelIdentity } from "../clip/model-identity";
import { IMAGE_ONLY_MESSAGE, ModelFolderError } from "../clip/model-folder";
import { getFeatureExtractor, type ImageFeatureExtractor } from "../clip/feature-extractor";
import { resolveFeatureExtractors, resolveServiceModel } from "../clip/resolve-model";
import { config } from "../core/config";

/** Loads the evaluator (cached per process): only for threads that embed images or prompts. */
export function getServiceEvaluator(): Promise<ClipEvaluator> {
  const m = resolveServiceModel();
  return getEvaluator(m.dir, {
    variant: m.variant,
    threads: config().threads,
    executionProvider: config().executionProvider,
  });
}

/**
 * The identity (id, name, files) of the evaluator the service scores with, without loading its
 * ONNX sessions: from install.json's recorded hashes, else by hashing the folder once per process.
 */
export async function serviceEvaluatorIdentity(): Promise<EvaluatorIdentity> {
  const m = resolveServiceModel();
  const identity = await modelIdentity(m.dir, m.variant);
  if (identity.kind !== "clip") throw new ModelFolderError(`${m.dir} cannot be the evaluator: ${IMAGE_ONLY_MESSAGE}`);
  return identity;
}

/** The image feature extractors the service computes distribution metrics in (T2I_FEATURE_EXTRACTORS), loaded once per thread. */
export function getServiceFeatureExtractors(): Promise<ImageFeatureExtractor[]> {
  return Promise.all(
    resolveFeatureExtractors().map((x) =>
      getFeatureExtractor(x.dir, { variant: x.variant, recipe: x.recipe, threads: config().threads }),
    ),
  );
}

/** Their identities, without loading them (pages and the evaluators API). */
export function serviceFeatureSpaceIdentities(): Promise<EvaluatorIdentity[]> {
  return Promise.all(resolveFeatureExtractors().map((x) => modelIdentity(x.dir, x.variant, { recipe: x.recipe })));
}
