// Which evaluator folder to use: an explicit one, else the installed real model.
import path from "node:path";
import { config } from "../core/config";
import { findInstalledModel } from "./installed-model";
import type { ModelVariant } from "./model-folder";

export const FIXTURE_MODEL_DIR = path.resolve("fixtures/clip-tiny");
/** The trained toy-world CLIP: meaningful only on toy-world images (identity.TOY_WARNING). */
export const TOY_MODEL_DIR = path.resolve("fixtures/clip-toy");

/** Evaluators named instead of given as a folder (--model NAME, T2I_MODEL_DIR=NAME). */
export const NAMED_MODELS: Record<string, string> = { fixture: FIXTURE_MODEL_DIR, toy: TOY_MODEL_DIR };

export class NoModelError extends Error {
  constructor() {
    super(
      "No evaluator model is installed.\n" +
        "  • Download the real CLIP ViT-B/32 (about 600 MB, once): npm run fetch-model\n" +
        "  • Or name the bundled random-weight test fixture explicitly: --model fixtures/clip-tiny\n" +
        "    (its scores are not meaningful; it exists to try the tool offline)",
    );
    this.name = "NoModelError";
  }
}

export type ResolvedModel = { dir: string; variant: ModelVariant };

/**
 * `explicit` wins ("fixture" names the bundled test model, "toy" the toy-world model);
 * otherwise T2I_MODEL_DIR (a folder or one of those names), then the installed model (with
 * the variant it was installed as).
 */
export function resolveModel(explicit?: string, variant?: ModelVariant): ResolvedModel {
  const cfg = config();
  const named = explicit ?? cfg.modelDir;
  if (named !== undefined && Object.hasOwn(NAMED_MODELS, named))
    return { dir: NAMED_MODELS[named]!, variant: variant ?? cfg.modelVariant };
  if (explicit) return { dir: path.resolve(explicit), variant: variant ?? cfg.modelVariant };
  if (cfg.modelDir) return { dir: cfg.modelDir, variant: variant ?? cfg.modelVariant };
  const installed = findInstalledModel(cfg.modelsDir);
  if (installed) return { dir: installed.dir, variant: variant ?? installed.manifest.variant };
  throw new NoModelError();
}

/**
 * The service's evaluator: like resolveModel, but with nothing installed it falls back to the
 * bundled random-weight fixture so the service still starts; every answer then carries
 * FIXTURE_WARNING (identity.isFixture).
 */
export function resolveServiceModel(): ResolvedModel {
  try {
    return resolveModel();
  } catch (e) {
    if (e instanceof NoModelError) return { dir: FIXTURE_MODEL_DIR, variant: "fp32" };
    throw e;
  }
}

/**
 * What a service running on the toy-world evaluator (T2I_MODEL_DIR=toy) tells its users about the
 * real one: with a real model installed, restarting without T2I_MODEL_DIR picks it; without one,
 * that restart would fall back to the random-weight fixture, so fetching comes first.
 */
export function realEvaluatorAdvice(modelsDir: string = config().modelsDir): string {
  const installed = findInstalledModel(modelsDir);
  return installed
    ? `The real evaluator is installed (${path.basename(installed.dir)}): restart without T2I_MODEL_DIR=toy to score with it.`
    : "For the real evaluator (CLIP ViT-B/32): run npm run fetch-model, then restart without T2I_MODEL_DIR=toy " +
        "(until it is installed, a restart without it scores with the random-weight test evaluator).";
}
