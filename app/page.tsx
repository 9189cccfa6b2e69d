import type { Metadata } from "next";
import Link from "next/link";
import { DemoBadge } from "@/app/_components/badges";
import { DEMO_REPRODUCE_COMMAND } from "@/lib/demo/demo-catalog";
import { orNotFound } from "@/app/_components/or-not-found";
import { listPrompts } from "@/lib/samples/list-prompt-samples";
import { getPromptSetOrThrow } from "@/lib/prompt-sets/get-prompt-set-or-throw";
import { toSeries } from "@/app/_components/board-series";
import { CONDITIONING_LABELS, fmt, fmtCi } from "@/app/_components/format";
import { SettingsDifferBadge } from "@/app/_components/settings-differ-badge";
import { SourceFilter } from "@/app/_components/source-filter";
import { DownloadLinks, TradeoffChart } from "@/app/_components/tradeoff-chart";
import { conditioningTypeSchema } from "@/db/schema";
import { defaultPromptSet } from "@/lib/leaderboard/default-prompt-set";
import { getRankedBoard } from "@/lib/leaderboard/get-ranked-board";
import { listPromptSets } from "@/lib/prompt-sets/list-prompt-sets";
import { getServiceEvaluator } from "@/lib/scoring/service-evaluator";
import { BoardReferenceSection } from "@/app/_components/board-reference-section";
import { diversityLevelSchema, type RankedVariant, type UnrankedVariant } from "@/lib/ranking";
import { PowerSection } from "@/app/_components/power-section";
import { LevelForm } from "@/app/_components/level-form";
import { loadRunSettings } from "@/lib/runs/load-run-settings";
import { runSourceFilterSchema } from "@/lib/runs/ranked-runs-filter";
import { settingsOutliers } from "@/lib/runs/settings-outliers";
import { UserText } from "@/app/_components/user-text";

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

type SP = {
  promptSet?: string;
  evaluator?: string;
  sort?: string;
  dir?: string;
  type?: string;
  demo?: string;
  diversity?: string;
  source?: string;
  refMetric?: string;
  /** The power calculator: target difference, samples per prompt, replicates. */
  target?: string;
  n?: string;
  reps?: string;
};

/** Pairs shown in the matrix on the page (the API and the export carry all of them). */
const MATRIX_MAX = 12;
/** Curves drawn on the page's plot. */
const PLOT_MAX = 12;

const COLUMNS = {
  rank: "Rank",
  name: "Variant",
  score: "Fidelity at the diversity level",
  bestClipScore: "Best CLIP score",
  bestDiversity: "Best diversity",
  bestVendi: "Best Vendi",
  hypervolume: "Hypervolume",
} as const;
type Col = keyof typeof COLUMNS;

function href(sp: SP, patch: Partial<SP>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...sp, ...patch })) if (v) q.set(k, v);
  return `/?${q.toString()}`;
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
  const source = runSourceFilterSchema.safeParse(sp.source).data;
  const installed = await getServiceEvaluator().catch(() => undefined);
  // A level that is not a number in 0–2 is ignored (with a note), never a server error.
  const level =
    sp.diversity === undefined || sp.diversity === ""
      ? undefined
      : diversityLevelSchema.safeParse(Number(sp.diversity));
  const board = orNotFound(() =>
    getRankedBoard(setName, {
      evaluatorId: sp.evaluator,
      defaultEvaluatorId: installed?.identity.id,
      includeDemo: sp.demo !== "hide",
      source,
      ranking: level?.success ? { diversity: level.data } : undefined,
    }),
  );
  const ranking = board.ranking;
  const typeFilter = sp.type && conditioningTypeSchema.options.includes(sp.type as never) ? sp.type : undefined;
  const keep = (v: { variantId: string }) =>
    !typeFilter || board.variants[v.variantId]?.conditioningType === typeFilter;
  const sortCol: Col = sp.sort && sp.sort in COLUMNS ? (sp.sort as Col) : "rank";
  const dir = sp.dir === "asc" || (!sp.dir && (sortCol === "rank" || sortCol === "name")) ? "asc" : "desc";
  const value = (v: RankedVariant, c: Col): number | string =>
    c === "rank" ? v.position : c === "name" ? board.variants[v.variantId]!.name : (v[c] ?? -Infinity);
  const ranked = (ranking?.ranked ?? []).filter(keep).sort((a, b) => {
    const x = value(a, sortCol);
    const y = value(b, sortCol);
    const c = typeof x === "string" ? x.localeCompare(String(y)) : x - (y as number);
    return dir === "asc" ? c : -c;
  });
  const unranked: UnrankedVariant[] = (ranking?.unranked ?? []).filter(keep);
  // The plot shows the first variants of the table (a hundred curves are unreadable and heavy to send); the downloads have all.
  const plotted = [...ranked, ...unranked].slice(0, PLOT_MAX);
  const series = plotted.map((v) => toSeries(board.variants[v.variantId]!.name, v.curve, v.fitted));
  const scope = `promptSet=${encodeURIComponent(board.promptSet.name)}&version=${board.promptSet.version}${board.evaluator ? `&evaluator=${encodeURIComponent(board.evaluator.id)}` : ""}${sp.demo === "hide" ? "&includeDemo=false" : ""}${level?.success ? `&diversity=${level.data}` : ""}${source ? `&source=${source}` : ""}`;
  const plotHref = `/api/v1/plot-data?view=leaderboard&${scope}`;
  const exportHref = `/api/v1/leaderboard/export?${scope}`;
  const firstPrompt = listPrompts(board.promptSet.id)[0];
  const matrixIds = (ranking?.ranked ?? []).slice(0, MATRIX_MAX).map((v) => v.variantId);
  const pairs = new Map((ranking?.pairs ?? []).map((p) => [`${p.a}\u0000${p.b}`, p]));
  const pair = (a: string, b: string) => pairs.get(`${a}\u0000${b}`);
  const alpha = ranking?.settings.significance ?? 0.05;
  const ciTitle = (v: RankedVariant) =>
    v.ci
      ? `SE ${fmt(v.ci.se, 2)} (prompt part ${fmt(v.ci.promptVariance === null ? null : Math.sqrt(v.ci.promptVariance), 2)}, model part ${fmt(Math.sqrt(v.ci.modelVariance), 2)}), ${fmt(v.ci.df, 1)} degrees of freedom; ${v.ci.resamples} of ${v.ci.B} resamples, ${v.ci.beyondSpan} read beyond a curve's span${v.ci.clamped ? "; clamped to 0–100" : ""}`
      : "";
  const anyDemo = board.runs.some((r) => r.isDemo);
  // Variants with runs made differently from the rest of their curve (the variant page says which).
  const differs = settingsOutliers(loadRunSettings(board.runs.map((r) => r.runId)));
  const mixed = new Map<string, string[]>();
  for (const r of board.runs) {
    const d = differs.get(r.runId);
    if (d)
      mixed.set(r.variantId, [
        ...(mixed.get(r.variantId) ?? []),
        `guidance ${r.guidanceScale}: ${d.map((x) => `${x.setting} ${x.value ?? "none"} (others ${x.usual ?? "none"})`).join(", ")}`,
      ]);
  }
  const variantIds = Object.keys(board.variants);
  const mixedBadge = (variantId: string) =>
    mixed.has(variantId) && (
      <SettingsDifferBadge
        label="settings"
        title={`Runs with settings unlike the rest of the curve — ${mixed.get(variantId)!.join("; ")}`}
        testId="variant-settings-differ"
      />
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
        Holm-corrected at {alpha}); ties do not chain.{" "}
        <Link href="/about/ranking" className="underline">
          How the ranking works
        </Link>{" "}
        (method v{board.methodVersion}).
      </p>

      <form
        method="get"
        action="/"
        className="mt-4 flex flex-wrap items-end gap-3 rounded border border-slate-200 bg-white p-3 text-sm"
        aria-label="Leaderboard filters"
      >
        <label className="flex max-w-full flex-col">
          Prompt set
          <select
            name="promptSet"
            defaultValue={board.promptSet.name}
            className="mt-1 max-w-full rounded border border-slate-300 px-2 py-1"
          >
            {sets.map((s) => (
              <option key={s.id} value={s.name}>
                {s.name} v{s.version} ({s.runCount} {s.runCount === 1 ? "run" : "runs"}){s.isDemo ? " — demo" : ""}
              </option>
            ))}
          </select>
        </label>
        <label className="flex max-w-full flex-col">
          Evaluator
          <select
            name="evaluator"
            defaultValue={board.evaluator?.id}
            className="mt-1 max-w-full rounded border border-slate-300 px-2 py-1"
          >
            {board.evaluators.map((e) => (
              <option key={e.id} value={e.id}>
                {e.id} ({e.runs} {e.runs === 1 ? "run" : "runs"}){e.warning ? ` — ${e.warning}` : ""}
              </option>
            ))}
          </select>
        </label>
        <label className="flex max-w-full flex-col">
          Conditioning
          <select
            name="type"
            defaultValue={typeFilter ?? ""}
            className="mt-1 max-w-full rounded border border-slate-300 px-2 py-1"
          >
            <option value="">all types</option>
            {conditioningTypeSchema.options.map((t) => (
              <option key={t} value={t}>
                {CONDITIONING_LABELS[t] ?? t}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          Diversity level
          <input
            type="number"
            name="diversity"
            min={0}
            max={2}
            step="any"
            defaultValue={ranking?.diversity ? +ranking.diversity.value.toFixed(4) : ""}
            className="mt-1 w-28 rounded border border-slate-300 px-2 py-1"
            data-testid="diversity-level"
          />
        </label>
        <SourceFilter value={source} />
        <label className="flex items-center gap-1">
          <input type="checkbox" name="demo" value="hide" defaultChecked={sp.demo === "hide"} /> hide demo runs
        </label>
        {sp.sort && <input type="hidden" name="sort" value={sp.sort} />}
        {sp.dir && <input type="hidden" name="dir" value={sp.dir} />}
        <button
          type="submit"
          className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2"
        >
          Apply
        </button>
      </form>

      {board.updating && (
        <p className="mt-3 text-sm text-sky-800" data-testid="board-updating">
          {board.computedAt === null
            ? "This board is being computed for the first time (it has many runs); this page reloads itself until it is ready."
            : "Runs of this board changed: the ranking below is the previous version and is being recomputed; this page reloads itself in a moment."}
          {/* React hoists it into <head>; a cached page (server/page-cache.mjs) misses once the board is in. */}
          <meta httpEquiv="refresh" content="5" />
        </p>
      )}
      {board.evaluator?.warning && (
        <p className="mt-3 text-sm font-medium text-amber-800">
          Evaluator {board.evaluator.id}: {board.evaluator.warning}.
        </p>
      )}
      {anyDemo && (
        <p className="mt-1 max-w-3xl text-sm text-sky-800" data-testid="toy-world-demo-notice">
          Rows marked “demo · toy world” are the <strong>toy-world demo</strong>: the toy seed experiment run on first
          start. Four small diffusion generators, one per conditioning type, trained on procedurally rendered shapes,
          made these samples, and a small CLIP trained on the same toy world scored them: real model output and real
          scores, but they say nothing about natural images or real text-to-image models.{" "}
          <code>{DEMO_REPRODUCE_COMMAND}</code> reproduces them; <code>npm run seed:demo -- --remove</code> removes
          them.
        </p>
      )}

      <section aria-labelledby="ranking" className="mt-5">
        <h2 id="ranking" className="sr-only">
          Ranking
        </h2>
        <div className="overflow-x-auto">
          <table className="w-full min-w-[48rem] border-collapse bg-white text-sm" data-testid="leaderboard-table">
            <thead>
              <tr className="border-b border-slate-200 text-left">
                {(Object.keys(COLUMNS) as Col[]).map((c) => (
                  <th
                    key={c}
                    scope="col"
                    className="p-2"
                    aria-sort={sortCol === c ? (dir === "asc" ? "ascending" : "descending") : "none"}
                  >
                    <Link
                      href={href(sp, { sort: c, dir: sortCol === c && dir === "desc" ? "asc" : "desc" })}
                      className="underline decoration-dotted"
                      data-testid={`sort-${c}`}
                    >
                      {COLUMNS[c]}
                      {sortCol === c ? (dir === "asc" ? " ▲" : " ▼") : ""}
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
                      <Link
                        href={`/variants/${info.id}?promptSet=${encodeURIComponent(board.promptSet.name)}`}
                        className="font-medium underline"
                      >
                        <UserText text={info.name} expand={false} />
                      </Link>
                      <DemoBadge show={info.isDemo} />
                      {mixedBadge(info.id)}
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
        {level && !level.success && (
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
                  <strong>{fmt(ranking.power.mde, 2)}</strong> points (median over pairs;{" "}
                  {fmt(ranking.power.mdeHolm, 2)} at Holm&apos;s first step) — a tie says no more than that.{" "}
                </span>
              )}
              Ranking export:{" "}
              <a href={`${exportHref}&format=csv`} className="underline" data-testid="ranking-export-csv">
                spreadsheet
              </a>{" "}
              ·{" "}
              <a href={`${exportHref}&format=json`} className="underline" data-testid="ranking-export-json">
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
        {firstPrompt && (
          <p className="mt-2 text-sm">
            <Link
              href={`/prompts/${encodeURIComponent(firstPrompt.promptKey)}?promptSet=${encodeURIComponent(board.promptSet.name)}${board.evaluator ? `&evaluator=${encodeURIComponent(board.evaluator.id)}` : ""}${level?.success ? `&diversity=${level.data}` : ""}`}
              className="font-medium underline"
              data-testid="samples-side-by-side"
            >
              See the samples behind these scores, side by side
            </Link>{" "}
            <span className="text-slate-500">
              (each variant at the guidance whose diversity is nearest the comparison level, one prompt at a time)
            </span>
          </p>
        )}
        {(unranked.length > 0 || board.excluded.length > 0) && (
          <div className="mt-4">
            <h3 className="text-sm font-semibold">Not ranked</h3>
            <ul className="mt-1 list-disc pl-5 text-sm" data-testid="unranked">
              {unranked.map((v) => (
                <li key={v.variantId}>
                  <Link
                    href={`/variants/${v.variantId}?promptSet=${encodeURIComponent(board.promptSet.name)}`}
                    className="underline"
                  >
                    <UserText text={board.variants[v.variantId]!.name} expand={false} />
                  </Link>
                  {mixedBadge(v.variantId)}: {v.reason}
                </li>
              ))}
              {board.excluded.filter(keep).map((v) => (
                <li key={v.variantId}>
                  <Link
                    href={`/variants/${v.variantId}?promptSet=${encodeURIComponent(board.promptSet.name)}`}
                    className="underline"
                  >
                    <UserText text={board.variants[v.variantId]!.name} expand={false} />
                  </Link>
                  {mixedBadge(v.variantId)}: {v.reason}
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>

      {matrixIds.length >= 2 && (
        <section aria-labelledby="matrix" className="mt-8">
          <h2 id="matrix" className="text-lg font-semibold">
            Pairwise differences
          </h2>
          <p className="mt-1 text-xs text-slate-500">
            Row − column at the diversity level, with its {Math.round((ranking?.settings.level ?? 0.95) * 100)}% CI and
            Holm-adjusted p; bold where significant at {alpha}. A tie shows the minimum detectable difference (MDE) of
            its pair at {Math.round((ranking?.power.power ?? 0.8) * 100)}% power. Holm adjusts the family: adding or
            removing a variant can change adjusted p-values, never a pair&apos;s raw p at the default level.
            {(ranking?.ranked.length ?? 0) > MATRIX_MAX
              ? ` The first ${MATRIX_MAX} ranked variants; the export has every pair.`
              : ""}
          </p>
          <p className="mt-1 text-xs text-slate-600">
            Download every pair:{" "}
            <a href={`${exportHref}&table=pairs&format=csv`} className="underline" data-testid="pairs-export-csv">
              CSV
            </a>{" "}
            ·{" "}
            <a href={`${exportHref}&table=pairs&format=json`} className="underline" data-testid="pairs-export-json">
              JSON
            </a>
          </p>
          <div className="overflow-x-auto">
            <table className="mt-2 border-collapse bg-white text-xs" data-testid="pair-matrix">
              <thead>
                <tr>
                  <th scope="col" className="p-1" />
                  {matrixIds.map((id) => (
                    <th key={id} scope="col" className="p-1 text-left">
                      {board.variants[id]!.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {matrixIds.map((a) => (
                  <tr key={a} className="border-t border-slate-100">
                    <th scope="row" className="p-1 text-left">
                      {board.variants[a]!.name}
                    </th>
                    {matrixIds.map((b) => {
                      const p = pair(a, b);
                      const q = pair(b, a);
                      if (!p && !q)
                        return (
                          <td key={b} className="p-1 text-slate-400">
                            —
                          </td>
                        );
                      const d = p
                        ? p.difference
                        : {
                            ...q!.difference,
                            estimate: -q!.difference.estimate,
                            ci: q!.difference.ci && {
                              ...q!.difference.ci,
                              low: -q!.difference.ci.high,
                              high: -q!.difference.ci.low,
                            },
                          };
                      const cell = (p ?? q)!;
                      return (
                        <td
                          key={b}
                          className={`p-1 ${cell.significant ? "font-semibold" : "text-slate-600"}`}
                          title={`${d.resamples} of ${ranking!.settings.B} resamples${d.reliable ? "" : " (unreliable)"}; raw p = ${fmt(d.pValue, 3)}`}
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
      )}

      {ranking && (
        <PowerSection
          power={ranking.power}
          sp={{ target: sp.target, n: sp.n, reps: sp.reps }}
          keep={{
            promptSet: board.promptSet.name,
            evaluator: board.evaluator?.id,
            demo: sp.demo,
            diversity: sp.diversity,
          }}
        />
      )}

      <section aria-labelledby="plot" className="mt-8">
        <h2 id="plot" className="text-lg font-semibold">
          Diversity–fidelity curves
        </h2>
        {ranked.length + unranked.length > PLOT_MAX && (
          <p className="mt-1 text-xs text-slate-500">
            The plot shows the first {PLOT_MAX} variants in the table&apos;s order; sort or filter the table to plot
            others, or download the data of all.
          </p>
        )}
        <TradeoffChart
          series={series}
          evaluatorNote={board.evaluator ? `Evaluator ${board.evaluator.id}.` : undefined}
        />
        <DownloadLinks href={plotHref} />
      </section>

      <BoardReferenceSection
        promptSet={board.promptSet.name}
        version={board.promptSet.version}
        evaluatorId={board.evaluator?.id}
        metric={sp.refMetric}
        includeDemo={sp.demo !== "hide"}
        keep={{ promptSet: board.promptSet.name, evaluator: board.evaluator?.id, demo: sp.demo, type: sp.type }}
      />

      {variantIds.length >= 2 && (
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
                  defaultValue={variantIds[i]}
                  className="mt-1 rounded border border-slate-300 px-2 py-1"
                >
                  {variantIds.map((id) => (
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
