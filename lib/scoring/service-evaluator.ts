// The service's evaluator: one per process, the installed real model or the labelled fixture.
import { getEvaluator, type ClipEvaluator } from "../clip/evaluator";
import { resolveServiceModel } from "../clip/resolve-model";
import { config } from "../config";

export function getServiceEvaluator(): Promise<ClipEvaluator> {
  const m = resolveServiceModel();
  return getEvaluator(m.dir, { variant: m.variant, threads: config().threads });
}
