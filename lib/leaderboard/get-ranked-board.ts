// The leaderboard's data: for one prompt set and one evaluator, every variant's scored
// runs ranked at one diversity level (lib/ranking, method v3): the reader's, else the board's
// default level (board-level.ts), which belongs to the prompt set version and evaluator and
// never moves with the variants on the board. Runs scored by different
// evaluators are never mixed: the board is per evaluator. The page, GET
// /api/v1/leaderboard, the ranking export and the plot data all read this one function,
// so they show one ranking.
import { eq, inArray, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { evaluators, runScores, runs, variants, type VariantRow } from "../../db/schema";
import { AppError } from "../core/errors";
import { findPromptSetOrThrow } from "../prompt-sets/get-prompt-set-or-throw";
import { METHOD_VERSION, type Ranking, type RankingOptions, type VariantComparison } from "../ranking";
import { evaluatorSummary, type EvaluatorSummary } from "../runs/get-run-or-throw";
import type { RunSourceFilter } from "../runs/ranked-runs-filter";
import { boardRunFilter, type BoardRun } from "./board-inputs";
import { boardDefaultLevel, freezeBoardLevel, type BoardLevel } from "./board-level";
import { listPrompts } from "../samples/list-prompt-samples";
import { storedBoard, storedComparison, storedRanking } from "./board-store";
// Publishes the ranking pages' version for the server's HTML cache (server/page-cache.mjs).
import "./page-version";

export type { BoardRun } from "./board-inputs";

/** `source` keeps only uploaded, generated or demo runs; hidden runs and variants are always left out. */
export type BoardOptions = {
  version?: number;
  evaluatorId?: string;
  defaultEvaluatorId?: string;
  includeDemo?: boolean;
  source?: RunSourceFilter;
  /** Rank partial runs too (over the prompts every ranked run covers); default: complete runs only. */
  includePartial?: boolean;
  ranking?: RankingOptions;
};

export type RankedBoard = {
  methodVersion: string;
  promptSet: { id: string; name: string; version: number; isDemo: boolean; isImplicit: boolean };
  /** Evaluators that scored runs of this prompt set; the board shows one of them. */
  evaluators: (EvaluatorSummary & { runs: number })[];
  evaluator: EvaluatorSummary | null;
  variants: Record<string, Pick<VariantRow, "id" | "name" | "conditioningType" | "description" | "model" | "isDemo">>;
  runs: BoardRun[];
  /** Prompts every included run covers: the ones the ranking resamples. */
  prompts: number;
  /** The board's default level and the rule that chose it (null until one applies); the ranking uses it unless the reader set a level. */
  level: BoardLevel | null;
  /** Prompts the prompt set has: runs covering fewer are partial ("7 of 8 prompts"). */
  setPrompts: number;
  /** Whether partial runs were ranked at the reader's request. */
  includePartial: boolean;
  ranking: Ranking | null;
  /** Variants none of whose runs could enter the ranking, with the reason. */
  excluded: { variantId: string; reason: string }[];
  /** When the board's inputs were last loaded (they are reused until a run of the board changes); null while a costly board is computed for the first time. */
  computedAt: string | null;
  /** True while a newer version of this board is being computed: this is the previous one (empty when computedAt is null). */
  updating: boolean;
};

type Loaded = {
  board: Omit<RankedBoard, "ranking" | "excluded" | "computedAt" | "updating" | "includePartial">;
  entry: ReturnType<typeof storedBoard> | null;
  /** The scope the board's level belongs to. */
  scope: { promptSetId: string; evaluatorId: string } | null;
};

const asOption = (l: BoardLevel | null) =>
  l ? { defaultLevel: { value: l.value, source: l.source, rule: l.rule } } : {};

/** `defaultEvaluatorId` (the installed evaluator) is shown when `evaluatorId` is not given and it scored runs of the set. */
function load(promptSet: string, opts: BoardOptions): Loaded {
  const db = getDb();
  const set = findPromptSetOrThrow(db, promptSet, opts.version);
  const counts = db
    .select({ evaluator: evaluators, runs: sql<number>`count(*)` })
    .from(runScores)
    .innerJoin(runs, eq(runs.id, runScores.runId))
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .innerJoin(evaluators, eq(evaluators.id, runScores.evaluatorId))
    .where(boardRunFilter(set.id, opts.includeDemo !== false, opts.source))
    .groupBy(evaluators.id)
    .all();
  // Default: the installed evaluator, then a real evaluator over the fixture, then the one with the most runs.
  const installed = (c: (typeof counts)[number]) => Number(c.evaluator.id !== opts.defaultEvaluatorId);
  counts.sort(
    (a, b) =>
      installed(a) - installed(b) || Number(a.evaluator.isFixture) - Number(b.evaluator.isFixture) || b.runs - a.runs,
  );
  const chosen = opts.evaluatorId ? counts.find((c) => c.evaluator.id === opts.evaluatorId) : counts[0];
  if (opts.evaluatorId && !chosen)
    throw new AppError(
      "not_found",
      `no runs of prompt set "${set.name}" were scored by evaluator "${opts.evaluatorId}"`,
    );
  const base = {
    methodVersion: METHOD_VERSION,
    promptSet: { id: set.id, name: set.name, version: set.version, isDemo: set.isDemo, isImplicit: set.isImplicit },
    evaluators: counts.map((c) => ({ ...evaluatorSummary(c.evaluator), runs: c.runs })),
    evaluator: chosen ? evaluatorSummary(chosen.evaluator) : null,
  };
  if (!chosen)
    return {
      board: { ...base, variants: {}, runs: [], prompts: 0, setPrompts: 0, level: null },
      entry: null,
      scope: null,
    };
  const scope = { promptSetId: set.id, evaluatorId: chosen.evaluator.id };
  const level = boardDefaultLevel(db, scope);
  const entry = storedBoard(
    db,
    {
      promptSetId: set.id,
      evaluatorId: chosen.evaluator.id,
      includeDemo: opts.includeDemo !== false,
      source: opts.source,
      includePartial: opts.includePartial ?? false,
    },
    undefined,
    undefined,
    asOption(level),
  );
  // Names are read fresh on every view: a rename does not need a recomputation.
  const ids = [...new Set(entry.inputs.runs.map((r) => r.variantId))];
  const rows = ids.length ? db.select().from(variants).where(inArray(variants.id, ids)).all() : [];
  const info: RankedBoard["variants"] = {};
  for (const v of rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    info[v.id] = {
      id: v.id,
      name: v.name,
      conditioningType: v.conditioningType,
      description: v.description,
      model: v.model,
      isDemo: v.isDemo,
    };
  }
  return {
    board: {
      ...base,
      variants: info,
      runs: entry.inputs.runs,
      prompts: entry.inputs.prompts,
      setPrompts: entry.inputs.setPrompts,
      level,
    },
    entry,
    scope,
  };
}

/**
 * The ranking at the reader's level or the board's default level. A board without a default level
 * that ranks 2 or more variants freezes the level it ranked them at (board-level.ts rule 3), once,
 * and every later view uses it.
 */
function rankingOf(loaded: Loaded, opts: BoardOptions): { ranking: Ranking | null; level: BoardLevel | null } {
  const { entry, scope } = loaded;
  let level = loaded.board.level;
  if (!entry || !scope) return { ranking: null, level };
  let ranking = storedRanking(entry, { ...opts.ranking, ...asOption(level) });
  if (!level && entry.computedAt !== null && entry.inputs.inputs.length) {
    const common =
      opts.ranking?.diversity === undefined ? ranking : storedRanking(entry, { ...opts.ranking, diversity: undefined });
    if (common && common.diversity?.source === "common-reach" && common.ranked.length >= 2) {
      level = freezeBoardLevel(scope, common.diversity.value, common.ranked.length);
      ranking = storedRanking(entry, { ...opts.ranking, ...asOption(level) });
    }
  }
  return { ranking, level };
}

export function getRankedBoard(promptSet: string, opts: BoardOptions = {}): RankedBoard {
  const loaded = load(promptSet, opts);
  const { board, entry } = loaded;
  const { ranking, level } = rankingOf(loaded, opts);
  const inRanking = new Set(entry?.inputs.inputs.map((i) => i.variantId) ?? []);
  const excluded = Object.keys(board.variants)
    .filter((id) => !inRanking.has(id))
    .map((id) => {
      const covered = Math.max(...board.runs.filter((r) => r.variantId === id).map((r) => r.promptsCovered));
      return {
        variantId: id,
        reason: opts.includePartial
          ? `its runs cover ${covered} of the ${board.prompts} prompts the ranked runs cover; upload samples for every prompt to be ranked`
          : `partial: its runs cover ${covered} of the ${board.setPrompts} prompts of the set, so their numbers average other prompts; ` +
            `upload samples for every prompt to be ranked, or include partial runs (ranked over the prompts they all cover)`,
      };
    });
  return {
    ...board,
    includePartial: opts.includePartial ?? false,
    level,
    ranking,
    excluded,
    computedAt: entry?.computedAt?.toISOString() ?? null,
    updating: entry?.updating ?? false,
  };
}

export type Comparison = Omit<RankedBoard, "ranking" | "excluded"> & {
  comparison: VariantComparison | null;
  /** Prompt key → text, for the per-prompt rows. */
  promptTexts: Record<string, string>;
};

/** Two variants head to head on one prompt set and evaluator (by variant id or name). */
export function getComparison(
  promptSet: string,
  a: string,
  b: string,
  opts: Omit<BoardOptions, "includeDemo"> = {},
): Comparison {
  const loaded = load(promptSet, opts);
  const { board, entry } = loaded;
  // A costly board computed for the first time has no variants yet: say so, not "not found".
  const includePartial = opts.includePartial ?? false;
  if (entry && entry.computedAt === null)
    return { ...board, includePartial, comparison: null, promptTexts: {}, computedAt: null, updating: true };
  // Every pair is computed at the level the board shows: the reader's, else the board's default.
  const { level } = rankingOf(loaded, opts);
  const find = (ref: string) => {
    const id = Object.values(board.variants).find((v) => v.id === ref || v.name === ref)?.id;
    if (!id)
      throw new AppError("not_found", `variant "${ref}" has no scored runs on prompt set "${board.promptSet.name}"`);
    if (!entry?.inputs.inputs.some((i) => i.variantId === id)) {
      throw new AppError(
        "validation_failed",
        `variant "${board.variants[id]!.name}" only has partial runs (covering part of the prompt set); it can't be compared on the shared prompts` +
          (includePartial ? "" : " unless partial runs are included"),
      );
    }
    return id;
  };
  const ia = find(a);
  const ib = find(b);
  const keep = new Set([ia, ib]);
  return {
    ...board,
    includePartial,
    variants: Object.fromEntries(Object.entries(board.variants).filter(([id]) => keep.has(id))),
    runs: board.runs.filter((r) => keep.has(r.variantId)),
    level,
    comparison: entry
      ? namedReasons(storedComparison(entry, ia, ib, { ...opts.ranking, ...asOption(level) }), board.variants)
      : null,
    promptTexts: Object.fromEntries(listPrompts(board.promptSet.id).map((p) => [p.promptKey, p.text])),
    computedAt: entry?.computedAt?.toISOString() ?? null,
    updating: entry?.updating ?? false,
  };
}

/** The ranking names variants by id in its reasons; readers know them by name. */
function namedReasons(c: VariantComparison | null, names: RankedBoard["variants"]): VariantComparison | null {
  if (!c?.reason) return c;
  let reason = c.reason;
  for (const [id, v] of Object.entries(names)) reason = reason.split(id).join(`"${v.name}"`);
  return { ...c, reason };
}
