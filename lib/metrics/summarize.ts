// Summary of one scored run: per-prompt scores, run-level scores and bootstrap
// intervals. The CLI and the server both call `summarize`, so a number means the
// same thing wherever it is shown.
//
// Inputs:  items, one per generated image: { group (the prompt id), cosine (raw
//          image–prompt cosine, or null when the image could not be scored) };
//          embeddings, the L2-normalised image embeddings per group (a Map or a
//          plain object keyed by group; a group without an entry has none).
// Per group: n items, failed (cosine null), embedded (embedding count),
//          clipScore = max(mean 100·cos, 0) and clipS = mean 2.5·max(cos, 0) over its
//          scored items (null if none), diversity (null with diversityReason when
//          fewer than 2 embeddings) and vendi (1 for one embedding, null for none).
// Run level: clipScore and clipS over ALL scored items (item-weighted, as
//          torchmetrics and Hessel et al. aggregate); diversity and vendi = mean
//          over groups with at least 2 embeddings.
// Intervals: percentile bootstrap over groups (bootstrap.ts; default B = 1000,
//          level 0.95, seed 0) of exactly those run-level statistics, all four on
//          the same resamples, each from per-group sums so one resample is O(groups).
//          Pass `bootstrap: false` to skip them (ci entries are then null).
//
// Example: items [{group:"a",cosine:0.3},{group:"a",cosine:-0.1},{group:"b",cosine:null}]
//   with embeddings a: [(1,0), (0,1)], b: [(1,0)]
//   clipScore = max(100·(0.3 − 0.1)/2, 0) = 10; clipS = 2.5·(0.3 + 0)/2 = 0.375
//   diversity: a = 1 − 0 = 1, b = null ("needs at least 2 samples, got 1") → run 1
//   vendi: a = 2, b = 1 (not counted at run level) → run 2; n = 3, failed = 1
import {
  bootstrapMany,
  ratioOfSums,
  type BootstrapOptions,
  type BootstrapResult,
  type GroupStatistic,
} from "./bootstrap";
import { clipScoreFromMean } from "./clip-score";
import { clipSSample } from "./clip-s";
import { MetricInputError } from "./errors";
import { pairwiseDiversity } from "./pairwise-diversity";
import { checkCosine, clampCosine, type Embedding } from "./validate";
import { vendiScore } from "./vendi";

export interface SummarizeItem {
  group: string;
  cosine: number | null;
}

export type GroupEmbeddings =
  ReadonlyMap<string, readonly Embedding[]> | Readonly<Record<string, readonly Embedding[]>>;

export interface SummarizeOptions {
  /** Bootstrap settings, or false to skip the intervals. */
  bootstrap?: BootstrapOptions | false;
  /** Allowed |‖v‖ − 1| for embeddings and |cos| − 1 for cosines (default 1e-3). */
  tolerance?: number;
}

export interface GroupSummary {
  group: string;
  n: number;
  failed: number;
  embedded: number;
  /** Sum of the raw cosines of the scored items (the sufficient statistic the ranking resamples). */
  cosSum: number;
  /** Sum of their squares: the within-prompt spread the ranking's power calculator reads. */
  cosSqSum: number;
  clipScore: number | null;
  clipS: number | null;
  diversity: number | null;
  diversityReason?: string;
  vendi: number | null;
}

export type ConfidenceInterval = Omit<BootstrapResult, "estimate">;

export interface RunSummary {
  /** Items (generated images) in the run. */
  n: number;
  /** Items whose cosine is null. */
  failed: number;
  /** Distinct groups (prompts). */
  groups: number;
  clipScore: number | null;
  clipS: number | null;
  diversity: number | null;
  vendi: number | null;
  /** Groups with at least 2 embeddings: the ones diversity and vendi average over. */
  diversityGroups: number;
  /** Groups left out of diversity and vendi (fewer than 2 embeddings). */
  diversitySkipped: number;
  ci: {
    clipScore: ConfidenceInterval | null;
    clipS: ConfidenceInterval | null;
    diversity: ConfidenceInterval | null;
    vendi: ConfidenceInterval | null;
  };
}

export interface Summary {
  groups: GroupSummary[];
  summary: RunSummary;
}

interface GroupAccumulator {
  n: number;
  scored: number;
  cosSum: number;
  cosSqSum: number;
  clipSSum: number;
}

export function summarize(
  items: readonly SummarizeItem[],
  embeddings: GroupEmbeddings,
  options: SummarizeOptions = {},
): Summary {
  if (!Array.isArray(items) || items.length === 0) {
    throw new MetricInputError("empty_input", "no items given: a run needs at least 1 scored or failed image");
  }
  const acc = new Map<string, GroupAccumulator>();
  items.forEach((item, i) => {
    if (typeof item?.group !== "string") {
      throw new MetricInputError("bad_argument", `item ${i} has no group (prompt id) string`);
    }
    let a = acc.get(item.group);
    if (!a) acc.set(item.group, (a = { n: 0, scored: 0, cosSum: 0, cosSqSum: 0, clipSSum: 0 }));
    a.n++;
    if (item.cosine === null) return;
    checkCosine(item.cosine, `cosine of item ${i} (group ${JSON.stringify(item.group)})`, options.tolerance);
    const c = clampCosine(item.cosine);
    a.scored++;
    a.cosSum += c;
    a.cosSqSum += c * c;
    a.clipSSum += clipSSample(c);
  });

  const lookup = embeddingLookup(embeddings, acc);
  let dim: number | undefined;
  const groups: GroupSummary[] = [];
  for (const [group, a] of acc) {
    const embs = lookup(group);
    const check = { tolerance: options.tolerance, label: `group ${JSON.stringify(group)} embedding`, expectedDim: dim };
    dim ??= embs[0]?.length;
    const div = pairwiseDiversity(embs, check);
    groups.push({
      group,
      n: a.n,
      failed: a.n - a.scored,
      embedded: embs.length,
      cosSum: a.cosSum,
      cosSqSum: a.cosSqSum,
      clipScore: a.scored > 0 ? clipScoreFromMean(a.cosSum / a.scored) : null,
      clipS: a.scored > 0 ? a.clipSSum / a.scored : null,
      diversity: div.value,
      ...(div.reason !== undefined ? { diversityReason: div.reason } : {}),
      vendi: embs.length > 0 ? vendiScore(embs, check) : null,
    });
  }

  // Per-group sums for the run-level statistics; see bootstrap.ts ratioOfSums.
  // The statistics see the groups in code-unit order of their ids, not in the order items
  // arrived (which `groups` keeps for display): the bootstrap draws group indices, so the same
  // run uploaded in another order (or by several workers) must give the same intervals.
  const byId = groups.map((g, i) => [g.group, i] as const).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const sorted = byId.map(([, i]) => groups[i]!);
  const accs = byId.map(([g]) => acc.get(g)!);
  const scored = accs.map((a) => a.scored);
  const counts = sorted.map((g): number => (g.diversity === null ? 0 : 1));
  const stats = {
    clipScore: ratioOfSums(
      accs.map((a) => a.cosSum),
      scored,
      clipScoreFromMean,
    ),
    clipS: ratioOfSums(
      accs.map((a) => a.clipSSum),
      scored,
    ),
    diversity: ratioOfSums(
      sorted.map((g) => g.diversity ?? 0),
      counts,
    ),
    vendi: ratioOfSums(
      sorted.map((g) => (g.diversity === null ? 0 : g.vendi!)),
      counts,
    ),
  };
  const identity = Uint32Array.from(groups.keys());
  const values = {
    clipScore: stats.clipScore(identity),
    clipS: stats.clipS(identity),
    diversity: stats.diversity(identity),
    vendi: stats.vendi(identity),
  };

  const ci: RunSummary["ci"] = { clipScore: null, clipS: null, diversity: null, vendi: null };
  if (options.bootstrap !== false) {
    // A statistic undefined on the full sample (e.g. every image failed) has no interval.
    const keys = (Object.keys(stats) as (keyof typeof stats)[]).filter((k) => values[k] !== null);
    const defined: Record<string, GroupStatistic> = {};
    for (const k of keys) defined[k] = stats[k];
    const results = bootstrapMany(groups.length, defined, options.bootstrap);
    for (const k of keys) {
      const { low, high, level, B, seed, dropped } = results[k]!;
      ci[k] = { low, high, level, B, seed, dropped };
    }
  }

  const diversityGroups = counts.reduce((s, c) => s + c, 0);
  return {
    groups,
    summary: {
      n: items.length,
      failed: accs.reduce((s, a) => s + a.n - a.scored, 0),
      groups: groups.length,
      ...values,
      diversityGroups,
      diversitySkipped: groups.length - diversityGroups,
      ci,
    },
  };
}

function embeddingLookup(
  embeddings: GroupEmbeddings,
  groups: ReadonlyMap<string, unknown>,
): (group: string) => readonly Embedding[] {
  const isMap = embeddings instanceof Map;
  const keys = isMap ? [...embeddings.keys()] : Object.keys(embeddings);
  for (const k of keys) {
    if (!groups.has(k)) {
      throw new MetricInputError(
        "bad_argument",
        `embeddings were given for group ${JSON.stringify(k)}, which has no items; check that group ids match`,
      );
    }
  }
  return (group) => {
    const embs = isMap
      ? (embeddings as ReadonlyMap<string, readonly Embedding[]>).get(group)
      : Object.hasOwn(embeddings, group)
        ? (embeddings as Readonly<Record<string, readonly Embedding[]>>)[group]
        : undefined;
    return embs ?? [];
  };
}
