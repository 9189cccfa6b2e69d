// The pairwise matrix under the ranking: each pair's difference at the diversity level, its CI and Holm-adjusted p.
import { fmt, fmtCi } from "@/app/_components/format";
import type { RankedBoard } from "@/lib/leaderboard/get-ranked-board";
import { MATRIX_MAX, type LeaderboardView, type PairMatrixView } from "./view-model";

export function PairMatrix({
  matrix,
  board,
  links,
}: {
  matrix: PairMatrixView;
  board: RankedBoard;
  links: LeaderboardView["links"];
}) {
  const ids = matrix.variantIds;
  return (
    <section aria-labelledby="matrix" className="mt-8">
      <h2 id="matrix" className="text-lg font-semibold">
        Pairwise differences
      </h2>
      <p className="mt-1 text-xs text-slate-500">
        Row − column at the diversity level, with its {Math.round(matrix.level * 100)}% CI and Holm-adjusted p; bold
        where significant at {matrix.alpha}. A tie shows its pair&apos;s minimum detectable difference (MDE) at 80%
        power. Holm adjusts the family: adding or removing a variant can change adjusted p-values, never a pair&apos;s
        raw p at the default level.
        {matrix.truncated ? ` The first ${MATRIX_MAX} ranked variants; the export has every pair.` : ""}
      </p>
      <p className="mt-1 text-xs text-slate-600">
        Download every pair:{" "}
        <a href={links.export({ table: "pairs", format: "csv" })} className="underline" data-testid="pairs-export-csv">
          CSV
        </a>{" "}
        ·{" "}
        <a
          href={links.export({ table: "pairs", format: "json" })}
          className="underline"
          data-testid="pairs-export-json"
        >
          JSON
        </a>
      </p>
      <div className="overflow-x-auto">
        <table className="mt-2 border-collapse bg-white text-xs" data-testid="pair-matrix">
          <thead>
            <tr>
              <td className="p-1">
                <span className="sr-only">Row variant minus column variant</span>
              </td>
              {ids.map((id) => (
                <th key={id} scope="col" className="p-1 text-left">
                  {board.variants[id]!.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ids.map((a, i) => (
              <tr key={a} className="border-t border-slate-100">
                <th scope="row" className="whitespace-nowrap p-1 text-left">
                  {board.variants[a]!.name}
                </th>
                {ids.map((b, j) => {
                  const cell = matrix.cells[i]![j];
                  if (!cell)
                    return (
                      <td key={b} className="p-1 text-slate-400">
                        —
                      </td>
                    );
                  const d = cell.difference;
                  return (
                    <td
                      key={b}
                      className={`p-1 ${cell.significant ? "font-semibold" : "text-slate-600"}`}
                      title={`${d.resamples} of ${matrix.B} resamples${d.reliable ? "" : " (unreliable)"}; raw p = ${fmt(d.pValue, 3)}`}
                    >
                      {fmt(d.estimate, 2)} {fmtCi(d.ci, 2)} p={fmt(cell.pAdjusted, 3)}
                      {!cell.significant && d.mde !== null && (
                        <span className="block text-slate-500" data-testid="tie-mde">
                          tie · MDE {fmt(d.mde, 2)}
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
