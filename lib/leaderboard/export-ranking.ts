// The ranking export: one evaluator's ranking rows (rank, rank bound, score, CI, resamples,
// prompts, evaluator, method version) as CSV, or as JSON with the pairwise matrix too.
import { getRankedBoard } from "./get-ranked-board";
import { toCsv } from "../core/csv";
import { rankingRows } from "./ranking-rows";

export type RankingExport = { body: string; contentType: string; filename: string };

export function exportRanking(
  promptSet: string,
  opts: { version?: number; evaluatorId?: string; includeDemo?: boolean; includePartial?: boolean; diversity?: number },
  format: "csv" | "json",
  table: "ranking" | "pairs" = "ranking",
): RankingExport {
  const board = getRankedBoard(promptSet, {
    version: opts.version,
    evaluatorId: opts.evaluatorId,
    includeDemo: opts.includeDemo,
    includePartial: opts.includePartial,
    ranking: opts.diversity === undefined ? undefined : { diversity: opts.diversity },
  });
  if (table === "pairs") return exportPairs(board, format);
  const rows = rankingRows(board);
  const filename = `t2i-eval-ranking-${board.promptSet.name}-v${board.promptSet.version}`.replace(
    /[^A-Za-z0-9._-]/g,
    "_",
  );
  if (format === "csv")
    return { body: toCsv(rows), contentType: "text/csv; charset=utf-8", filename: `${filename}.csv` };
  const body = {
    methodVersion: board.methodVersion,
    evaluator: board.evaluator,
    diversity: board.ranking?.diversity ?? null,
    window: board.ranking?.window ?? null,
    significance: board.ranking?.significance ?? null,
    power: board.ranking?.power ?? null,
    settings: board.ranking?.settings ?? null,
    rows,
    pairs: board.ranking?.pairs ?? [],
  };
  return { body: JSON.stringify(body), contentType: "application/json", filename: `${filename}.json` };
}

/**
 * The pairwise matrix: one row per pair of ranked variants (a above b in the ranking), with
 * the difference a − b at the diversity level, its CI, raw and Holm-adjusted p, the resamples
 * it rests on; variants named by name and id.
 */
function exportPairs(board: ReturnType<typeof getRankedBoard>, format: "csv" | "json"): RankingExport {
  const name = (id: string) => board.variants[id]?.name ?? id;
  const rows = (board.ranking?.pairs ?? []).map((p) => ({
    a: name(p.a),
    b: name(p.b),
    difference: p.difference.estimate,
    ciLow: p.difference.ci?.low ?? null,
    ciHigh: p.difference.ci?.high ?? null,
    se: p.difference.ci?.se ?? null,
    df: p.difference.ci?.df ?? null,
    pValue: p.difference.pValue,
    pAdjusted: p.pAdjusted,
    significant: p.significant,
    /** The true difference this pair would find with 80 % power. */
    mde: p.difference.mde,
    dominant: p.dominant === "a" ? name(p.a) : p.dominant === "b" ? name(p.b) : null,
    resamples: p.difference.resamples,
    reliable: p.difference.reliable,
    diversityLevel: board.ranking?.diversity?.value ?? null,
    levelSource: board.ranking?.diversity?.source ?? null,
    evaluator: board.evaluator?.id ?? null,
    methodVersion: board.methodVersion,
    aId: p.a,
    bId: p.b,
  }));
  const filename = `t2i-eval-pairs-${board.promptSet.name}-v${board.promptSet.version}`.replace(
    /[^A-Za-z0-9._-]/g,
    "_",
  );
  if (format === "csv")
    return { body: toCsv(rows), contentType: "text/csv; charset=utf-8", filename: `${filename}.csv` };
  return {
    body: JSON.stringify({
      methodVersion: board.methodVersion,
      evaluator: board.evaluator,
      diversity: board.ranking?.diversity ?? null,
      pairs: rows,
    }),
    contentType: "application/json",
    filename: `${filename}.json`,
  };
}
