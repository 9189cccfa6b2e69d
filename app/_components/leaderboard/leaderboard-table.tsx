// The ranking table with its notes: the level it was read at, the export links, the side-by-side
// link and the variants not ranked.
import Link from "next/link";
import { DemoBadge } from "@/app/_components/badges";
import { CONDITIONING_LABELS, fmt, fmtCi } from "@/app/_components/format";
import { SettingsDifferBadge } from "@/app/_components/settings-differ-badge";
import { UserText } from "@/app/_components/user-text";
import type { RankedBoard } from "@/lib/leaderboard/get-ranked-board";
import type { LeaderboardView } from "./view-model";

/** The ≠ mark on a variant whose runs' settings differ from the rest of its curve. */
function SettingsMark({ view, variantId }: { view: LeaderboardView; variantId: string }) {
  const notes = view.settingsDiffer.get(variantId);
  return (
    notes && (
      <SettingsDifferBadge
        label="settings"
        title={`Runs with settings unlike the rest of the curve — ${notes.join("; ")}`}
        testId="variant-settings-differ"
      />
    )
  );
}

export function LeaderboardTable({ board, view }: { board: RankedBoard; view: LeaderboardView }) {
  const ranking = board.ranking;
  const { ranked, links } = view;
  return (
    <section aria-labelledby="ranking" className="mt-5">
      <h2 id="ranking" className="sr-only">
        Ranking
      </h2>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[48rem] border-collapse bg-white text-sm" data-testid="leaderboard-table">
          <thead>
            <tr className="border-b border-slate-200 text-left">
              {view.headers.map((h) => (
                <th key={h.column} scope="col" className="p-2" aria-sort={h.ariaSort}>
                  <Link href={h.href} className="underline decoration-dotted" data-testid={`sort-${h.column}`}>
                    {h.label}
                    {h.arrow}
                  </Link>
                </th>
              ))}
              <th scope="col" className="p-2">
                Runs / prompts
              </th>
              <th scope="col" className="p-2" title="Bootstrap resamples the score's CI rests on, of B">
                Resamples
              </th>
            </tr>
          </thead>
          <tbody>
            {ranked.map((v) => {
              const info = board.variants[v.variantId]!;
              return (
                <tr key={v.variantId} className="border-b border-slate-100" data-testid="leaderboard-row">
                  <td
                    className="p-2 font-semibold"
                    data-testid="rank"
                    title={`1 + ${v.significantlyWorseThan} variants significantly better; the tests allow ranks ${v.rank}–${v.rankWorst}`}
                  >
                    {v.rank}
                    {v.rankWorst > v.rank && (
                      <span className="ml-1 text-xs font-normal text-slate-500">
                        ({v.rank}–{v.rankWorst})
                      </span>
                    )}
                  </td>
                  <td className="p-2">
                    <Link href={links.variant(info.id)} className="font-medium underline">
                      <UserText text={info.name} expand={false} />
                    </Link>
                    <DemoBadge show={info.isDemo} />
                    <SettingsMark view={view} variantId={info.id} />
                    <div className="text-xs text-slate-500">
                      {CONDITIONING_LABELS[info.conditioningType] ?? info.conditioningType}
                    </div>
                  </td>
                  <td className="p-2">
                    <span data-testid="score">{fmt(v.score, 2)}</span>{" "}
                    <span className="text-xs text-slate-500">{fmtCi(v.ci, 2)}</span>
                    {v.extended && (
                      <span
                        className="ml-1 text-xs text-slate-500"
                        title="All its runs are more diverse than the level: scored at its least diverse point, a conservative value"
                      >
                        (at diversity {fmt(v.scoredAt)})
                      </span>
                    )}
                  </td>
                  <td className="p-2">{fmt(v.bestClipScore, 2)}</td>
                  <td className="p-2">{fmt(v.bestDiversity)}</td>
                  <td className="p-2">{fmt(v.bestVendi)}</td>
                  <td className="p-2">{fmt(v.hypervolume)}</td>
                  <td className="p-2">
                    {v.runs} / {v.prompts}
                  </td>
                  <td className="p-2">
                    {v.ci ? `${v.ci.resamples} / ${v.ci.B}` : "—"}
                    {v.ci && !v.ci.reliable && (
                      <span
                        className="ml-1 rounded bg-amber-100 px-1 text-xs font-medium text-amber-900"
                        data-testid="unreliable"
                      >
                        unreliable
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
            {ranked.length === 0 && (
              <tr>
                <td colSpan={9} className="p-3 text-slate-500">
                  No variant reaches this diversity level: lower the level, or score runs with both a CLIP score and a
                  diversity.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {view.query.levelInvalid && (
        <p className="mt-1 text-sm text-amber-800">
          The diversity level must be a number from 0 to 2; showing the default level instead.
        </p>
      )}
      {ranking?.diversity && (
        <p className="mt-1 text-xs text-slate-500" data-testid="level-note">
          Scores are CLIP scores (torchmetrics convention, 0–100) at diversity {fmt(ranking.diversity.value)} (
          {ranking.diversity.isDefault ? `default: ${ranking.diversity.rule}` : "set by you"}
          {ranking.maxLevel !== null ? `; levels up to ${fmt(ranking.maxLevel)} rank at least one variant` : ""}).{" "}
          {Math.round(ranking.settings.level * 100)}% CIs and p-values from a paired bootstrap over {board.prompts}{" "}
          prompts (B = {ranking.settings.B}, seed {ranking.settings.seed}); each CI states the resamples it rests on and
          is marked unreliable below 95% of B. Ranking export:{" "}
          <a href={links.export({ format: "csv" })} className="underline" data-testid="ranking-export-csv">
            spreadsheet
          </a>{" "}
          ·{" "}
          <a href={links.export({ format: "json" })} className="underline" data-testid="ranking-export-json">
            with the pairwise matrix
          </a>
        </p>
      )}
      {links.sideBySide && (
        <p className="mt-2 text-sm">
          <Link href={links.sideBySide} className="font-medium underline" data-testid="samples-side-by-side">
            See the samples behind these scores, side by side
          </Link>{" "}
          <span className="text-slate-500">
            (each variant at the guidance whose diversity is nearest the comparison level, one prompt at a time)
          </span>
        </p>
      )}
      {view.showNotRanked && (
        <div className="mt-4">
          <h3 className="text-sm font-semibold">Not ranked</h3>
          <ul className="mt-1 list-disc pl-5 text-sm" data-testid="unranked">
            {view.notRanked.map((v) => (
              <li key={v.variantId}>
                <Link href={links.variant(v.variantId)} className="underline">
                  <UserText text={board.variants[v.variantId]!.name} expand={false} />
                </Link>
                <SettingsMark view={view} variantId={v.variantId} />: {v.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
