// The ranking export: one evaluator's ranking rows (rank, rank bound, score, CI, resamples,
// prompts, evaluator, method version) as CSV, or as JSON with the pairwise matrix too.
import { getRankedBoard } from "./get-ranked-board";
import { toCsv } from "./plot-data";
import { rankingRows } from "./ranking-rows";

export type RankingExport = { body: string; contentType: string; filename: string };

export function exportRanking(
  promptSet: string,
  opts: { version?: number; evaluatorId?: string; includeDemo?: boolean; diversity?: number },
  format: "csv" | "json",
): RankingExport {
  const board = getRankedBoard(promptSet, { version: opts.version, evaluatorId: opts.evaluatorId, includeDemo: opts.includeDemo, ranking: opts.diversity === undefined ? undefined : { diversity: opts.diversity } });
  const rows = rankingRows(board);
  const filename = `t2i-eval-ranking-${board.promptSet.name}-v${board.promptSet.version}`.replace(/[^A-Za-z0-9._-]/g, "_");
  if (format === "csv") return { body: toCsv(rows), contentType: "text/csv; charset=utf-8", filename: `${filename}.csv` };
  const body = { methodVersion: board.methodVersion, evaluator: board.evaluator, diversity: board.ranking?.diversity ?? null, settings: board.ranking?.settings ?? null, rows, pairs: board.ranking?.pairs ?? [] };
  return { body: JSON.stringify(body), contentType: "application/json", filename: `${filename}.json` };
}
