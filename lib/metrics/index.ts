// Public entry of the metric library: the pure functions, and the registry of
// the metrics a run reports. Names in the registry are the keys used in
// summaries ("clipScore", "clipS", "diversity", "vendi").
import { clipSMetric } from "./clip-s";
import { clipScoreMetric } from "./clip-score";
import { diversityMetric } from "./pairwise-diversity";
import { MetricRegistry, type MetricDefinition } from "./registry";
import { vendiMetric } from "./vendi";

const registry = new MetricRegistry();
for (const def of [clipScoreMetric, clipSMetric, diversityMetric, vendiMetric]) registry.register(def);

/** The metric registered under `name`; throws MetricInputError (code "unknown_metric") otherwise. */
export function getMetric(name: string): MetricDefinition {
  return registry.get(name);
}

export function hasMetric(name: string): boolean {
  return registry.has(name);
}

/** All registered metrics, in registration order. */
export function listMetrics(): MetricDefinition[] {
  return registry.list();
}

export * from "./bootstrap";
export * from "./clip-s";
export * from "./clip-score";
export * from "./cosine";
export * from "./errors";
export * from "./pairwise-diversity";
export * from "./registry";
export * from "./summarize";
export { DEFAULT_NORM_TOLERANCE, type Embedding, type EmbeddingCheckOptions } from "./validate";
export * from "./vendi";
