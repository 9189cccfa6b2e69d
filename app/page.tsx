import type { Metadata } from "next";
import Link from "next/link";
import { DemoBadge } from "@/app/_components/badges";
import { BoardReferenceSection } from "@/app/_components/board-reference-section";
import { toSeries } from "@/app/_components/board-series";
import { LeaderboardFilters } from "@/app/_components/leaderboard/leaderboard-filters";
import { LeaderboardTable } from "@/app/_components/leaderboard/leaderboard-table";
import { PairMatrix } from "@/app/_components/leaderboard/pair-matrix";
import { PowerSection } from "@/app/_components/power-section";
import {
  leaderboardQuery,
  leaderboardView,
  PLOT_MAX,
  type LeaderboardSearchParams,
} from "@/app/_components/leaderboard/view-model";
import { orNotFound } from "@/app/_components/or-not-found";
import { DownloadLinks, TradeoffChart } from "@/app/_components/tradeoff-chart";
import { UserText } from "@/app/_components/user-text";
import { DEMO_REPRODUCE_COMMAND } from "@/lib/demo/demo-catalog";
import { defaultPromptSet } from "@/lib/leaderboard/default-prompt-set";
import { getRankedBoard } from "@/lib/leaderboard/get-ranked-board";
import { getPromptSetOrThrow } from "@/lib/prompt-sets/get-prompt-set-or-throw";
import { listPromptSets } from "@/lib/prompt-sets/list-prompt-sets";
import { loadRunSettings } from "@/lib/runs/load-run-settings";
import { settingsOutliers } from "@/lib/runs/settings-outliers";
import { firstPrompt } from "@/lib/samples/list-prompt-samples";
import { serviceEvaluatorIdentity } from "@/lib/scoring/service-evaluator";

type SP = LeaderboardSearchParams;

export const dynamic = "force-dynamic";
export async function generateMetadata({ searchParams }: { searchParams: Promise<SP> }): Promise<Metadata> {
  const sp = await searchParams;
  const name = sp.promptSet ?? defaultPromptSet()?.name;
  if (!name) return { title: "Leaderboard" };
  try {
    const set = getPromptSetOrThrow(name);
    return { title: `Leaderboard — ${set.name} v${set.version}` };
  } catch {
    return { title: "Not found" };
  }
}

export default async function LeaderboardPage({ searchParams }: { searchParams: Promise<SP> }) {
  const sp = await searchParams;
  const sets = listPromptSets({ includeImplicit: true }).filter((s) => s.runCount > 0);
  const fallback = sp.promptSet ? undefined : defaultPromptSet();
  const setName = sp.promptSet ?? fallback?.name;
  if (!setName) {
    return (
      <div>
        <h1 className="text-2xl font-semibold">Leaderboard</h1>
        <p className="mt-4">
          No scored runs yet.{" "}
          <Link href="/upload" className="underline">
            Upload a batch
          </Link>{" "}
          or run <code>npm run seed:demo</code>.
        </p>
      </div>
    );
  }
  const query = leaderboardQuery(sp);
  const installed = await serviceEvaluatorIdentity().catch(() => undefined);
  const board = orNotFound(() =>
    getRankedBoard(setName, {
      evaluatorId: sp.evaluator,
      defaultEvaluatorId: installed?.id,
      includeDemo: query.includeDemo,
      includePartial: query.includePartial,
      source: query.source,
      ranking: query.level !== undefined ? { diversity: query.level } : undefined,
    }),
  );
  const view = leaderboardView(sp, {
    board,
    firstPromptKey: firstPrompt(board.promptSet.id)?.promptKey,
    // Variants with runs made differently from the rest of their curve (the variant page says which).
    settingsDiffer: settingsOutliers(loadRunSettings(board.runs.map((r) => r.runId))),
  });
  const sourceOf = new Map(board.runs.map((r) => [r.runId, r.source]));
  const series = view.plotted.map((v) =>
    toSeries(board.variants[v.variantId]!.name, v.curve, v.fitted, (id) => sourceOf.get(id)),
  );

  return (
    <div>
      <h1 className="text-2xl font-semibold">
        Leaderboard{" "}
        <span className="text-base font-normal text-slate-500">
          — <UserText text={board.promptSet.name} expand={false} /> v{board.promptSet.version}
        </span>
        <DemoBadge show={board.promptSet.isDemo} />
      </h1>
      {fallback && (
        <p className="mt-1 text-sm text-slate-600" data-testid="default-prompt-set">
          Default prompt set: <strong>{fallback.name}</strong> ({fallback.reason}). Pick another below.
        </p>
      )}
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Variants are ranked by <strong>fidelity at one diversity level</strong>: the CLIP score of each variant&apos;s
        guidance-ordered curve at the same diversity, so guidance scale can&apos;t buy fidelity by giving up diversity.
        A variant&apos;s rank is 1 + the number of variants significantly better than it (all pairs tested,
        Holm-corrected at {view.alpha}); ties do not chain.{" "}
        <Link href="/about/ranking" className="underline">
          How the ranking works
        </Link>{" "}
        (method v{board.methodVersion}).
      </p>

      <LeaderboardFilters sp={sp} sets={sets} board={board} view={view} />

      {board.updating && (
        <p className="mt-3 text-sm text-sky-800" data-testid="board-updating">
          {board.computedAt === null
            ? "This board is being computed for the first time (it has many runs); this page reloads itself until it is ready."
            : "Runs of this board changed: the ranking below is the previous version and is being recomputed; this page reloads itself in a moment."}
          {/* React hoists it into <head>; a cached page (server/page-cache.mjs) misses once the board is in. */}
          <meta httpEquiv="refresh" content="5" />
        </p>
      )}
      {view.partialRuns > 0 && (
        <p className="mt-3 max-w-3xl text-sm text-amber-900" data-testid="partial-runs-note">
          {view.partialRuns} {view.partialRuns === 1 ? "run lacks" : "runs lack"} some of the set&apos;s{" "}
          {board.setPrompts} prompts: {view.partialRuns === 1 ? "its" : "their"} numbers average fewer prompts than the
          others&apos;.{" "}
          {board.includePartial
            ? `Partial runs are ranked at your request: the ranking is over the ${board.prompts} prompts every ranked run covers.`
            : "They are listed under “Not ranked”; tick “rank partial runs” to rank them over the prompts every run covers."}
        </p>
      )}
      {board.evaluator?.warning && (
        <p className="mt-3 text-sm font-medium text-amber-800">
          Evaluator {board.evaluator.id}: {board.evaluator.warning}.
        </p>
      )}
      {view.anyDemo && (
        <p className="mt-1 max-w-3xl text-sm text-sky-800" data-testid="toy-world-demo-notice">
          Rows marked “demo · toy world” are the <strong>toy-world demo</strong>: the toy seed experiment run on first
          start. Four small diffusion generators, one per conditioning type, trained on procedurally rendered shapes,
          made these samples, and a small CLIP trained on the same toy world scored them: real model output and real
          scores, but they say nothing about natural images or real text-to-image models.{" "}
          <code>{DEMO_REPRODUCE_COMMAND}</code> reproduces them; <code>npm run seed:demo -- --remove</code> removes
          them.
        </p>
      )}

      <LeaderboardTable board={board} view={view} />

      {view.matrix && <PairMatrix matrix={view.matrix} board={board} links={view.links} />}

      {board.ranking && (
        <PowerSection
          power={board.ranking.power}
          sp={{ target: sp.target, n: sp.n, reps: sp.reps }}
          keep={{
            promptSet: board.promptSet.name,
            evaluator: board.evaluator?.id,
            demo: sp.demo,
            diversity: sp.diversity,
            partial: sp.partial,
          }}
        />
      )}

      <section aria-labelledby="plot" className="mt-8">
        <h2 id="plot" className="text-lg font-semibold">
          Diversity–fidelity curves
        </h2>
        {view.plotTruncated && (
          <p className="mt-1 text-xs text-slate-500">
            The plot shows the first {PLOT_MAX} variants in the table&apos;s order; sort or filter the table to plot
            others, or download the data of all.
          </p>
        )}
        <TradeoffChart
          series={series}
          evaluatorNote={board.evaluator ? `Evaluator ${board.evaluator.id}.` : undefined}
          level={board.ranking?.diversity?.value}
        />
        <DownloadLinks href={view.links.plotData} />
      </section>

      <BoardReferenceSection
        promptSet={board.promptSet.name}
        version={board.promptSet.version}
        evaluatorId={board.evaluator?.id}
        metric={sp.refMetric}
        featureSpace={sp.refSpace}
        includeDemo={query.includeDemo}
        keep={{
          promptSet: board.promptSet.name,
          evaluator: board.evaluator?.id,
          demo: sp.demo,
          type: sp.type,
          partial: sp.partial,
        }}
        variantNames={Object.fromEntries(Object.values(board.variants).map((v) => [v.id, v.name]))}
      />

      {view.compareVariantIds.length >= 2 && (
        <section aria-labelledby="compare" className="mt-8">
          <h2 id="compare" className="text-lg font-semibold">
            Head to head
          </h2>
          <form method="get" action="/compare" className="mt-2 flex flex-wrap items-end gap-3 text-sm">
            <input type="hidden" name="promptSet" value={board.promptSet.name} />
            {board.evaluator && <input type="hidden" name="evaluator" value={board.evaluator.id} />}
            {(["a", "b"] as const).map((k, i) => (
              <label key={k} className="flex flex-col">
                Variant {k.toUpperCase()}
                <select
                  name={k}
                  defaultValue={view.compareVariantIds[i]}
                  className="mt-1 rounded border border-slate-300 px-2 py-1"
                >
                  {view.compareVariantIds.map((id) => (
                    <option key={id} value={id}>
                      {board.variants[id]!.name}
                    </option>
                  ))}
                </select>
              </label>
            ))}
            <button
              type="submit"
              className="rounded border border-indigo-600 px-3 py-1.5 font-medium text-indigo-700 hover:bg-indigo-50"
            >
              Compare
            </button>
          </form>
        </section>
      )}
    </div>
  );
}
