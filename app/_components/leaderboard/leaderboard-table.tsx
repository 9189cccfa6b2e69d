// The ranking table with its notes: the level it was read at, the export links, the side-by-side
// link and the variants not ranked.
import Link from "next/link";
import { DemoBadge } from "@/app/_components/badges";
import { CONDITIONING_LABELS, fmt, fmtCi } from "@/app/_components/format";
import { SettingsDifferBadge } from "@/app/_components/settings-differ-badge";
import { UserText } from "@/app/_components/user-text";
import { LevelForm } from "@/app/_components/level-form";
import type { RankedBoard } from "@/lib/leaderboard/get-ranked-board";
import type { RankedVariant } from "@/lib/ranking";
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

const ciTitle = (v: RankedVariant) =>
  v.ci
    ? `SE ${fmt(v.ci.se, 2)} (prompt part ${fmt(v.ci.promptVariance === null ? null : Math.sqrt(v.ci.promptVariance), 2)}, model part ${fmt(Math.sqrt(v.ci.modelVariance), 2)}), ${fmt(v.ci.df, 1)} degrees of freedom; ${v.ci.resamples} of ${v.ci.B} resamples, ${v.ci.beyondSpan} read beyond a curve's span${v.ci.clamped ? "; clamped to 0–100" : ""}`
    : "";

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
              <th
                scope="col"
                className="p-2"
                title="Trained copies of the variant (replicate labels on its runs): their spread enters the CI"
              >
                Replicates
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
                    className="whitespace-nowrap p-2 font-semibold"
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
                    <span className="text-xs text-slate-500" title={ciTitle(v)}>
                      {fmtCi(v.ci, 2)}
                    </span>
                    {v.extended && (
                      <span
                        className="ml-1 text-xs text-amber-800"
                        data-testid="out-of-range"
                        title="The level lies below this variant's observed range: it is scored at its least diverse point, a conservative value"
                      >
                        (level below its observed range {fmt(v.range.low)}–{fmt(v.range.high)}: read at{" "}
                        {fmt(v.scoredAt)})
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
                  <td className="p-2 text-xs" data-testid="replicates">
                    {v.replicateVariance.known ? (
                      <span
                        title={`SD of the replicates' scores ${fmt(v.replicateVariance.scoreSd, 2)}; between-replicate (model) SD with their image noise taken out ${fmt(v.replicateVariance.modelSd, 2)}; prompt-level SE ${fmt(v.replicateVariance.promptSe, 2)}`}
                      >
                        {v.replicateVariance.replicates}: model SD {fmt(v.replicateVariance.modelSd, 2)} · prompt SE{" "}
                        {fmt(v.replicateVariance.promptSe, 2)}
                      </span>
                    ) : (
                      <span
                        className="text-slate-500"
                        title="One trained copy: its CI describes this copy's prompts and images, not the recipe; another training seed can differ by more"
                      >
                        1: model-level variance unknown · prompt SE {fmt(v.replicateVariance.promptSe, 2)}
                      </span>
                    )}
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
                <td colSpan={10} className="p-3 text-slate-500">
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
        <div className="mt-1 text-xs text-slate-600 [overflow-wrap:anywhere]" data-testid="level-note">
          <p>
            Scores are CLIP scores (torchmetrics convention, 0–100; evaluator {board.evaluator?.id}) at diversity{" "}
            <strong>{fmt(ranking.diversity.value)}</strong>:{" "}
            <span data-testid="level-rule">
              {ranking.diversity.isDefault ? `the default level, ${ranking.diversity.rule}` : "set by you"}
            </span>
            {ranking.diversity.dependsOnVariants ? " (it moves when variants are added or removed)" : ""}.{" "}
            <span data-testid="level-window">
              {ranking.window
                ? `Every listed curve is observed between diversity ${fmt(ranking.window.low)} and ${fmt(ranking.window.high)}`
                : `The listed curves share no diversity range (observed: ${[...ranking.ranked, ...ranking.unranked]
                    .filter((v) => v.range)
                    .map(
                      (v) =>
                        `${board.variants[v.variantId]?.name ?? v.variantId} ${fmt(v.range!.low)}–${fmt(v.range!.high)}`,
                    )
                    .join("; ")})`}
            </span>
            {ranking.maxLevel !== null ? `; levels up to ${fmt(ranking.maxLevel)} rank at least one variant` : ""}.
          </p>
          <p className="mt-1">
            {Math.round(ranking.settings.level * 100)}% t intervals from a bootstrap over {board.prompts} prompts (B ={" "}
            {ranking.settings.B}, seed {ranking.settings.seed}) and, for variants with replicates, their spread; each
            states the resamples it rests on and is marked unreliable below 95% of B.{" "}
            {ranking.power.mde !== null && (
              <span data-testid="board-mde">
                Smallest difference this design detects with {Math.round(ranking.power.power * 100)}% power:{" "}
                <strong>{fmt(ranking.power.mde, 2)}</strong> points (median over pairs; {fmt(ranking.power.mdeHolm, 2)}{" "}
                at Holm&apos;s first step) — a tie says no more than that.{" "}
              </span>
            )}
            Ranking export:{" "}
            <a href={links.export({ format: "csv" })} className="underline" data-testid="ranking-export-csv">
              spreadsheet
            </a>{" "}
            ·{" "}
            <a href={links.export({ format: "json" })} className="underline" data-testid="ranking-export-json">
              with the pairwise matrix
            </a>
          </p>
          {!ranking.significance.calibrated && (
            <p className="mt-1 font-medium text-amber-800" data-testid="significance-withheld">
              Significance withheld: {ranking.significance.withheld}.
            </p>
          )}
        </div>
      )}
      {board.evaluator && (
        <details className="mt-2 text-xs text-slate-600">
          <summary className="cursor-pointer">Set this prompt set version&apos;s default level (admin)</summary>
          <p className="mt-1 max-w-3xl">
            The default level belongs to {board.promptSet.name} v{board.promptSet.version} and evaluator{" "}
            {board.evaluator.id}, never to the variants on the board. A reference set tied to this version comes first
            (its own per-prompt diversity); otherwise an admin&apos;s level; otherwise the level frozen when the board
            was first ranked.{" "}
            <Link href="/about/ranking#level" className="underline">
              The rules
            </Link>
            . Changes are recorded in the audit log.
          </p>
          <LevelForm
            promptSetId={board.promptSet.id}
            evaluatorId={board.evaluator.id}
            current={board.level?.value ?? null}
          />
        </details>
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
