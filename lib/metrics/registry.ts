// A typed metric registry (after lm-evaluation-harness lm_eval/api/registry.py).
// Each entry carries its direction and range next to its compute function so
// tests can check the flags against the behaviour, and so prose and flags do
// not drift apart. Registering a name twice throws: a silent overwrite would let
// two definitions of one metric coexist.
import { MetricInputError } from "./errors";
import type { Embedding } from "./validate";

/** [min, max]; null means unbounded on that side. */
export type MetricRange = readonly [number | null, number | null];

interface MetricInfoBase {
  /** Key used in summaries and APIs, e.g. "clipScore". */
  readonly name: string;
  /** Integer or semver string; bump whenever the formula or convention changes. */
  readonly version: number | string;
  readonly higherIsBetter: boolean;
  readonly range: MetricRange;
  /** The human-readable convention, shown next to every number. */
  readonly label: string;
  readonly description: string;
  /** Paper and reference implementation. */
  readonly reference: string;
}

/** A fidelity metric aggregated from raw image–text cosines. */
export interface CosineMetric extends MetricInfoBase {
  readonly input: "cosines";
  compute(cosines: ArrayLike<number>): number;
}

/** A diversity metric over the image embeddings of one prompt; null when undefined for that group. */
export interface EmbeddingMetric extends MetricInfoBase {
  readonly input: "embeddings";
  compute(group: readonly Embedding[]): number | null;
}

export type MetricDefinition = CosineMetric | EmbeddingMetric;

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

export class MetricRegistry {
  private readonly entries = new Map<string, MetricDefinition>();

  register(def: MetricDefinition): void {
    if (this.entries.has(def.name)) {
      throw new MetricInputError("duplicate_metric", `metric "${def.name}" is already registered`);
    }
    checkDefinition(def);
    this.entries.set(def.name, def);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): MetricDefinition {
    const def = this.entries.get(name);
    if (!def) {
      throw new MetricInputError(
        "unknown_metric",
        `unknown metric "${name}"; known metrics: ${[...this.entries.keys()].join(", ") || "(none)"}`,
      );
    }
    return def;
  }

  /** Entries in registration order. */
  list(): MetricDefinition[] {
    return [...this.entries.values()];
  }
}

function checkDefinition(def: MetricDefinition): void {
  const bad = (why: string) => new MetricInputError("bad_argument", `metric "${def.name}": ${why}`);
  if (!def.name) throw bad("name must be non-empty");
  const v = def.version;
  if (typeof v === "number" ? !(Number.isInteger(v) && v >= 1) : !SEMVER.test(v)) {
    throw bad(`version must be an integer >= 1 or a semver string, got ${JSON.stringify(v)}`);
  }
  const [lo, hi] = def.range;
  if (lo !== null && hi !== null && !(lo < hi)) throw bad(`range [${lo}, ${hi}] is empty`);
  if (!def.label || !def.description || !def.reference) throw bad("label, description and reference are required");
}
