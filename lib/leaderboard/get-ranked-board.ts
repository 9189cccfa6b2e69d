// The leaderboard page's data: for one prompt set and one evaluator, every variant's scored
// runs with per-prompt statistics, ranked at matched diversity (lib/ranking). Runs scored by
// different evaluators are never mixed: the board is per evaluator.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { evaluators, prompts, promptScores, runScores, runs, sampleScores, samples, variants, type VariantRow } from "../../db/schema";
import { evaluatorSummary, type EvaluatorSummary } from "../runs/get-run-or-throw";
import { findPromptSetOrThrow } from "../prompt-sets/get-prompt-set-or-throw";
import { compareVariants, rankVariants, type Ranking, type RankingOptions, type RankingRun, type RankingVariant, type VariantComparison } from "../ranking";
import { AppError } from "../errors";
import { rankedRunsFilter, type RunSourceFilter } from "../runs/ranked-runs-filter";

export type BoardRun = {
  runId: string;
  variantId: string;
  guidanceScale: number;
  isDemo: boolean;
  n: number;
  clipScore: number | null;
  diversity: number | null;
  vendi: number | null;
  promptsCovered: number;
  /** False for a run covering fewer prompts than the others: it is listed, not ranked. */
  ranked: boolean;
};

export type RankedBoard = {
  promptSet: { id: string; name: string; version: number; isDemo: boolean; isImplicit: boolean };
  /** Evaluators that scored runs of this prompt set; the board shows one of them. */
  evaluators: (EvaluatorSummary & { runs: number })[];
  evaluator: EvaluatorSummary | null;
  variants: Record<string, Pick<VariantRow, "id" | "name" | "conditioningType" | "description" | "model" | "isDemo">>;
  runs: BoardRun[];
  /** Prompts every included run covers: the ones the ranking resamples. */
  prompts: number;
  ranking: Ranking | null;
  /** Variants none of whose runs could enter the ranking, with the reason. */
  excluded: { variantId: string; reason: string }[];
};

type Inputs = { board: Omit<RankedBoard, "ranking" | "excluded">; inputs: RankingVariant[] };

/** `defaultEvaluatorId`: shown when `evaluatorId` is not given and it scored runs of the set (the installed evaluator). */
type LoadOptions = { version?: number; evaluatorId?: string; defaultEvaluatorId?: string; includeDemo?: boolean; source?: RunSourceFilter };

function loadInputs(promptSet: string, opts: LoadOptions): Inputs {
  const visible = rankedRunsFilter(opts);
  const db = getDb();
  const set = findPromptSetOrThrow(db, promptSet, opts.version);
  const counts = db
    .select({ evaluator: evaluators, runs: sql<number>`count(*)` })
    .from(runScores)
    .innerJoin(runs, eq(runs.id, runScores.runId))
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .innerJoin(evaluators, eq(evaluators.id, runScores.evaluatorId))
    .where(and(eq(runs.promptSetId, set.id), eq(runs.status, "scored"), visible))
    .groupBy(evaluators.id)
    .all();
  // Default: the installed evaluator, then a real evaluator over the fixture, then the one with the most runs.
  const installed = (c: (typeof counts)[number]) => Number(c.evaluator.id !== opts.defaultEvaluatorId);
  counts.sort((a, b) => installed(a) - installed(b) || Number(a.evaluator.isFixture) - Number(b.evaluator.isFixture) || b.runs - a.runs);
  const chosen = opts.evaluatorId ? counts.find((c) => c.evaluator.id === opts.evaluatorId) : counts[0];
  if (opts.evaluatorId && !chosen) throw new AppError("not_found", `no runs of prompt set "${set.name}" were scored by evaluator "${opts.evaluatorId}"`);
  const base = {
    promptSet: { id: set.id, name: set.name, version: set.version, isDemo: set.isDemo, isImplicit: set.isImplicit },
    evaluators: counts.map((c) => ({ ...evaluatorSummary(c.evaluator), runs: c.runs })),
    evaluator: chosen ? evaluatorSummary(chosen.evaluator) : null,
  };
  if (!chosen) return { board: { ...base, variants: {}, runs: [], prompts: 0 }, inputs: [] };
  const evalId = chosen.evaluator.id;

  const runRows = db
    .select({ run: runs, score: runScores, variant: variants })
    .from(runScores)
    .innerJoin(runs, eq(runs.id, runScores.runId))
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .where(and(eq(runs.promptSetId, set.id), eq(runs.status, "scored"), eq(runScores.evaluatorId, evalId), visible))
    .orderBy(asc(variants.name), asc(runs.guidanceScale))
    .all();
  const runIds = runRows.map((r) => r.run.id);
  if (runIds.length === 0) return { board: { ...base, variants: {}, runs: [], prompts: 0 }, inputs: [] };

  // Per (run, prompt): scored images and the sum of their raw cosines (clip scores are derived
  // from these; the stored per-prompt CLIPScore is clamped and can't be summed back).
  const sums = db
    .select({ runId: samples.runId, promptId: samples.promptId, n: sql<number>`count(${sampleScores.cosine})`, cosSum: sql<number>`coalesce(sum(${sampleScores.cosine}), 0)` })
    .from(samples)
    .innerJoin(sampleScores, and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, evalId)))
    .where(inArray(samples.runId, runIds))
    .groupBy(samples.runId, samples.promptId)
    .all();
  const divs = db
    .select({ runId: promptScores.runId, promptId: promptScores.promptId, diversity: promptScores.diversity, key: prompts.promptKey })
    .from(promptScores)
    .innerJoin(prompts, eq(prompts.id, promptScores.promptId))
    .where(and(inArray(promptScores.runId, runIds), eq(promptScores.evaluatorId, evalId)))
    .all();

  const perRun = new Map<string, Map<number, { n: number; cosSum: number; diversity: number | null; key: string }>>();
  for (const d of divs) {
    if (!perRun.has(d.runId)) perRun.set(d.runId, new Map());
    perRun.get(d.runId)!.set(d.promptId, { n: 0, cosSum: 0, diversity: d.diversity, key: d.key });
  }
  for (const s of sums) {
    const p = perRun.get(s.runId)?.get(s.promptId);
    if (p) Object.assign(p, { n: Number(s.n), cosSum: Number(s.cosSum) });
  }
  // The ranking resamples prompts jointly across runs, so every ranked run must cover the same
  // prompts. Runs covering fewer prompts than the best-covered ones (a partial upload) are left
  // out of the ranking and reported, rather than shrinking everyone's prompt sample.
  const maxCoverage = Math.max(...[...perRun.values()].map((m) => m.size));
  const partial = new Set([...perRun].filter(([, m]) => m.size < maxCoverage).map(([id]) => id));
  let common: Set<number> | undefined;
  for (const [id, m] of perRun) if (!partial.has(id)) common = common ? new Set([...common].filter((k) => m.has(k))) : new Set(m.keys());
  const shared = [...(common ?? [])].sort((a, b) => a - b);

  const byVariant = new Map<string, { variantId: string; runs: RankingRun[] }>();
  const variantInfo: RankedBoard["variants"] = {};
  const boardRuns: BoardRun[] = [];
  for (const { run, score, variant } of runRows) {
    variantInfo[variant.id] = { id: variant.id, name: variant.name, conditioningType: variant.conditioningType, description: variant.description, model: variant.model, isDemo: variant.isDemo };
    const m = perRun.get(run.id)!;
    boardRuns.push({ runId: run.id, variantId: variant.id, guidanceScale: run.guidanceScale, isDemo: run.isDemo, n: score.n, clipScore: score.clipScore, diversity: score.diversity, vendi: score.vendi, promptsCovered: m.size, ranked: !partial.has(run.id) });
    if (partial.has(run.id)) continue;
    if (!byVariant.has(variant.id)) byVariant.set(variant.id, { variantId: variant.id, runs: [] });
    byVariant.get(variant.id)!.runs.push({
      runId: run.id,
      guidanceScale: run.guidanceScale,
      vendi: score.vendi,
      prompts: shared.map((pid) => ({ promptId: m.get(pid)!.key, n: m.get(pid)!.n, cosSum: m.get(pid)!.cosSum, diversity: m.get(pid)!.diversity })),
    });
  }
  return { board: { ...base, variants: variantInfo, runs: boardRuns, prompts: shared.length }, inputs: [...byVariant.values()] };
}

/** Hidden runs and variants are left out; `source` keeps only uploaded, generated or demo runs. */
export function getRankedBoard(promptSet: string, opts: LoadOptions & { ranking?: RankingOptions } = {}): RankedBoard {
  const { board, inputs } = loadInputs(promptSet, opts);
  const inRanking = new Set(inputs.map((i) => i.variantId));
  const excluded = Object.keys(board.variants)
    .filter((id) => !inRanking.has(id))
    .map((id) => {
      const covered = Math.max(...board.runs.filter((r) => r.variantId === id).map((r) => r.promptsCovered));
      return { variantId: id, reason: `its runs cover ${covered} of the ${board.prompts} prompts the ranked runs cover; upload samples for every prompt to be ranked` };
    });
  return { ...board, ranking: inputs.length && board.prompts > 0 ? rankVariants(inputs, opts.ranking) : null, excluded };
}

export type Comparison = Omit<RankedBoard, "ranking" | "excluded"> & { comparison: VariantComparison | null };

/** Two variants head to head on one prompt set and evaluator (by variant id or name). */
export function getComparison(promptSet: string, a: string, b: string, opts: { version?: number; evaluatorId?: string; ranking?: RankingOptions } = {}): Comparison {
  const { board, inputs } = loadInputs(promptSet, opts);
  const find = (ref: string) => {
    const id = Object.values(board.variants).find((v) => v.id === ref || v.name === ref)?.id;
    if (!id) throw new AppError("not_found", `variant "${ref}" has no scored runs on prompt set "${board.promptSet.name}"`);
    const found = inputs.find((i) => i.variantId === id);
    if (!found) throw new AppError("validation_failed", `variant "${board.variants[id]!.name}" only has runs covering part of the prompt set; it can't be compared on the shared prompts`);
    return found;
  };
  const va = find(a);
  const vb = find(b);
  const keep = new Set([va.variantId, vb.variantId]);
  return {
    ...board,
    variants: Object.fromEntries(Object.entries(board.variants).filter(([id]) => keep.has(id))),
    runs: board.runs.filter((r) => keep.has(r.variantId)),
    comparison: board.prompts > 0 ? compareVariants(va, vb, opts.ranking) : null,
  };
}
