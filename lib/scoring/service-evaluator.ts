// The service's evaluator: one per process, the installed real model or the labelled fixture.
import { getEvaluator, type ClipEvaluator } from "../clip/evaluator";
import { evaluatorIdentity, type EvaluatorIdentity } from "../clip/identity";
import { readModelFolder } from "../clip/model-folder";
import { resolveServiceModel } from "../clip/resolve-model";
import { config } from "../core/config";

export function getServiceEvaluator(): Promise<ClipEvaluator> {
  const m = resolveServiceModel();
  return getEvaluator(m.dir, {
    variant: m.variant,
    threads: config().threads,
    executionProvider: config().executionProvider,
  });
}

/**
 * The identity (id, name, files) of the evaluator the service scores with, without loading
 * its ONNX sessions: for command-line tools that act on the database on the server machine.
 * Hashes the model files (cached per path, size and mtime in this process).
 */
export async function serviceEvaluatorIdentity(): Promise<EvaluatorIdentity> {
  const m = resolveServiceModel();
  return evaluatorIdentity(await readModelFolder(m.dir, m.variant));
}
