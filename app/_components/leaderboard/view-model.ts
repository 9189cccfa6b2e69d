// The leaderboard page's view model: from the search params and a ranked board to the rows,
// links and matrix cells the page draws. Pure (no database, no React), so the page's rules —
// which rows a filter keeps, how a column sorts, what each link carries — are unit-tested
// (view-model.test.ts) rather than read off rendered HTML.
import { conditioningTypeSchema } from "@/db/schema";
import type { RankedBoard } from "@/lib/leaderboard/get-ranked-board";
import { diversityLevelSchema, type PairedDifference, type RankedVariant, type UnrankedVariant } from "@/lib/ranking";
import { runSourceFilterSchema, type RunSourceFilter } from "@/lib/runs/ranked-runs-filter";
import type { SettingDifference } from "@/lib/runs/settings-outliers";

/** The leaderboard's URL parameters, as Next.js hands them to the page. */
export type LeaderboardSearchParams = {
  promptSet?: string;
  evaluator?: string;
  sort?: string;
  dir?: string;
  type?: string;
  demo?: string;
  diversity?: string;
  source?: string;
  refMetric?: string;
  partial?: string;
  /** An image feature space (evaluator id) for the reference view; default the evaluator's own. */
  refSpace?: string;
  /** The power calculator: target difference, samples per prompt, replicates. */
  target?: string;
  n?: string;
  reps?: string;
};

/** Pairs shown in the matrix on the page (the API and the export carry all of them). */
export const MATRIX_MAX = 12;
/** Curves drawn on the page's plot. */
export const PLOT_MAX = 12;

export const LEADERBOARD_COLUMNS = {
  rank: "Rank",
  name: "Variant",
  score: "Fidelity at the diversity level",
  bestClipScore: "Best CLIP score",
  bestDiversity: "Best diversity",
  bestVendi: "Best Vendi",
  hypervolume: "Hypervolume",
} as const;
export type LeaderboardColumn = keyof typeof LEADERBOARD_COLUMNS;

/** What the page asks lib/ for, read from the search params alone. */
export type LeaderboardQuery = {
  source: RunSourceFilter | undefined;
  /** The diversity level asked for, when it is a number in 0–2. */
  level: number | undefined;
  /** A level was given but is not a number in 0–2: it is ignored, with a note. */
  levelInvalid: boolean;
  includeDemo: boolean;
  /** Runs that lack some of the set's prompts are ranked too (over the prompts every ranked run covers). */
  includePartial: boolean;
  /** A known conditioning type, or undefined for all. */
  type: string | undefined;
};

export function leaderboardQuery(sp: LeaderboardSearchParams): LeaderboardQuery {
  // A level that is not a number in 0–2 is ignored (with a note), never a server error.
  const level =
    sp.diversity === undefined || sp.diversity === ""
      ? undefined
      : diversityLevelSchema.safeParse(Number(sp.diversity));
  return {
    source: runSourceFilterSchema.safeParse(sp.source).data,
    level: level?.success ? level.data : undefined,
    levelInvalid: level !== undefined && !level.success,
    includeDemo: sp.demo !== "hide",
    includePartial: sp.partial === "include",
    type: sp.type && conditioningTypeSchema.options.includes(sp.type as never) ? sp.type : undefined,
  };
}

/** `path?query`, the query written by URLSearchParams from the entries that have a value, in order. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** This page with some parameters changed (a column header's sort link). */
export function leaderboardHref(sp: LeaderboardSearchParams, patch: Partial<LeaderboardSearchParams>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...sp, ...patch })) if (v) q.set(k, v);
  return `/?${q.toString()}`;
}

export type ColumnHeader = {
  column: LeaderboardColumn;
  label: string;
  href: string;
  ariaSort: "ascending" | "descending" | "none";
  /** " ▲" / " ▼" on the sorted column, "" elsewhere. */
  arrow: string;
};

export type MatrixCell = {
  /** Row − column, with its CI and the resamples it rests on. */
  difference: PairedDifference;
  pAdjusted: number;
  significant: boolean;
};

export type PairMatrixView = {
  variantIds: string[];
  /** cells[i][j]: row i − column j; null where the pair was not compared (the diagonal). */
  cells: (MatrixCell | null)[][];
  B: number;
  level: number;
  alpha: number;
  /** More ranked variants than the matrix shows. */
  truncated: boolean;
};

export type LeaderboardView = {
  query: LeaderboardQuery;
  sort: { column: LeaderboardColumn; dir: "asc" | "desc" };
  headers: ColumnHeader[];
  /** Ranked variants of the type filter, in the table's order. */
  ranked: RankedVariant[];
  /** Variants listed under "Not ranked": the ranking's unranked ones, then those without a rankable run. */
  notRanked: { variantId: string; reason: string }[];
  /** Whether the "Not ranked" list is drawn: the board has unranked or excluded variants (before the type filter). */
  showNotRanked: boolean;
  /** The curves drawn: the first PLOT_MAX variants in the table's order. */
  plotted: (RankedVariant | UnrankedVariant)[];
  /** More variants than the plot draws. */
  plotTruncated: boolean;
  /** Significance level of the tests (Holm). */
  alpha: number;
  anyDemo: boolean;
  /** Runs of the board that lack some of the set's prompts. */
  partialRuns: number;
  /** Per variant, its runs whose settings differ from the rest of its curve, in words. */
  settingsDiffer: Map<string, string[]>;
  links: {
    plotData: string;
    /** The ranking export without a format; the page adds `format` (and `table=pairs`). */
    export: (extra: Record<string, string>) => string;
    variant: (variantId: string) => string;
    /** One prompt's samples of every ranked variant side by side; undefined when the set has no prompt. */
    sideBySide: string | undefined;
  };
  matrix: PairMatrixView | null;
  /** Variants offered by the head-to-head form, A and B defaulting to the first two. */
  compareVariantIds: string[];
};

export type LeaderboardViewInput = {
  board: RankedBoard;
  /** The prompt set's first prompt, for the side-by-side link. */
  firstPromptKey: string | undefined;
  /** lib/runs/settings-outliers.ts over the board's runs. */
  settingsDiffer: Map<string, SettingDifference[]>;
};

function negate(d: PairedDifference): PairedDifference {
  return {
    ...d,
    estimate: -d.estimate,
    ci: d.ci && { ...d.ci, low: -d.ci.high, high: -d.ci.low },
  };
}

export function leaderboardView(sp: LeaderboardSearchParams, input: LeaderboardViewInput): LeaderboardView {
  const { board } = input;
  const query = leaderboardQuery(sp);
  const ranking = board.ranking;
  const keep = (v: { variantId: string }) =>
    !query.type || board.variants[v.variantId]?.conditioningType === query.type;

  const sortCol: LeaderboardColumn =
    sp.sort && sp.sort in LEADERBOARD_COLUMNS ? (sp.sort as LeaderboardColumn) : "rank";
  const dir = sp.dir === "asc" || (!sp.dir && (sortCol === "rank" || sortCol === "name")) ? "asc" : "desc";
  const value = (v: RankedVariant, c: LeaderboardColumn): number | string =>
    c === "rank" ? v.position : c === "name" ? board.variants[v.variantId]!.name : (v[c] ?? -Infinity);
  const ranked = (ranking?.ranked ?? []).filter(keep).sort((a, b) => {
    const x = value(a, sortCol);
    const y = value(b, sortCol);
    const c = typeof x === "string" ? x.localeCompare(String(y)) : x - (y as number);
    return dir === "asc" ? c : -c;
  });
  const unranked = (ranking?.unranked ?? []).filter(keep);
  const headers = (Object.keys(LEADERBOARD_COLUMNS) as LeaderboardColumn[]).map((c) => ({
    column: c,
    label: LEADERBOARD_COLUMNS[c],
    href: leaderboardHref(sp, { sort: c, dir: sortCol === c && dir === "desc" ? "asc" : "desc" }),
    ariaSort: sortCol === c ? (dir === "asc" ? ("ascending" as const) : ("descending" as const)) : ("none" as const),
    arrow: sortCol === c ? (dir === "asc" ? " ▲" : " ▼") : "",
  }));

  // The plot shows the first variants of the table (a hundred curves are unreadable and heavy to send); the downloads have all.
  const all = [...ranked, ...unranked];

  const scope = {
    promptSet: board.promptSet.name,
    version: board.promptSet.version,
    evaluator: board.evaluator?.id,
    includeDemo: query.includeDemo ? undefined : "false",
    diversity: query.level,
    source: query.source,
    includePartial: board.includePartial ? "true" : undefined,
  };
  const promptSet = board.promptSet.name;

  const settingsDiffer = new Map<string, string[]>();
  for (const r of board.runs) {
    const d = input.settingsDiffer.get(r.runId);
    if (d)
      settingsDiffer.set(r.variantId, [
        ...(settingsDiffer.get(r.variantId) ?? []),
        `guidance ${r.guidanceScale}: ${d.map((x) => `${x.setting} ${x.value ?? "none"} (others ${x.usual ?? "none"})`).join(", ")}`,
      ]);
  }

  const alpha = ranking?.settings.significance ?? 0.05;
  const matrixIds = (ranking?.ranked ?? []).slice(0, MATRIX_MAX).map((v) => v.variantId);
  const pairs = new Map((ranking?.pairs ?? []).map((p) => [`${p.a}\u0000${p.b}`, p]));
  const cell = (a: string, b: string): MatrixCell | null => {
    const p = pairs.get(`${a}\u0000${b}`);
    const q = pairs.get(`${b}\u0000${a}`);
    if (!p && !q) return null;
    const c = (p ?? q)!;
    return { difference: p ? p.difference : negate(q!.difference), pAdjusted: c.pAdjusted, significant: c.significant };
  };

  return {
    query,
    sort: { column: sortCol, dir },
    headers,
    ranked,
    notRanked: [...unranked, ...board.excluded.filter(keep)].map((v) => ({ variantId: v.variantId, reason: v.reason })),
    showNotRanked: unranked.length > 0 || board.excluded.length > 0,
    plotted: all.slice(0, PLOT_MAX),
    plotTruncated: all.length > PLOT_MAX,
    alpha,
    anyDemo: board.runs.some((r) => r.isDemo),
    partialRuns: board.runs.filter((r) => r.promptsCovered < board.setPrompts).length,
    settingsDiffer,
    links: {
      plotData: withQuery("/api/v1/plot-data", { view: "leaderboard", ...scope }),
      export: (extra) => withQuery("/api/v1/leaderboard/export", { ...scope, ...extra }),
      variant: (variantId) => withQuery(`/variants/${variantId}`, { promptSet }),
      sideBySide:
        input.firstPromptKey === undefined
          ? undefined
          : withQuery(`/prompts/${encodeURIComponent(input.firstPromptKey)}`, {
              promptSet,
              evaluator: board.evaluator?.id,
              diversity: query.level,
            }),
    },
    matrix:
      matrixIds.length >= 2 && ranking
        ? {
            variantIds: matrixIds,
            cells: matrixIds.map((a) => matrixIds.map((b) => cell(a, b))),
            B: ranking.settings.B,
            level: ranking.settings.level,
            alpha,
            truncated: ranking.ranked.length > MATRIX_MAX,
          }
        : null,
    compareVariantIds: Object.keys(board.variants),
  };
}
