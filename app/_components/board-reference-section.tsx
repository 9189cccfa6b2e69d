// Leaderboard secondary view: each run's pairwise diversity beside a picked distribution metric
// against each reference set, with CIs (lib/reference-sets/board-reference-metrics.ts). Server component.
import Link from "next/link";
import {
  BOARD_REFERENCE_METRICS,
  getBoardReferenceMetrics,
  imageFeatureSpaces,
  type BoardReferenceMetric,
  type BoardReferenceRow,
} from "@/lib/reference-sets/board-reference-metrics";
import { rankOnReferenceAxis } from "@/lib/leaderboard/rank-on-reference-axis";
import { fmt, fmtCi } from "./format";
import { UserText } from "./user-text";

/** The picker's short names (a phone-wide select); the table's header names the evaluator. */
const SHORT: Record<BoardReferenceMetric, string> = {
  recall: "recall (k = 3)",
  coverage: "coverage (k = 5)",
  precision: "precision (k = 3)",
  density: "density (k = 5)",
  fd: "FD (lower is better)",
  cmmd: "CMMD ×1000 (lower is better)",
};

/** Every label names the evaluator whose embedding space the metric lives in. */
const labels = (evaluator: string): Record<BoardReferenceMetric, string> => ({
  recall: `recall (k = 3, ${evaluator})`,
  coverage: `coverage (k = 5, ${evaluator})`,
  precision: `precision (k = 3, ${evaluator})`,
  density: `density (k = 5, ${evaluator})`,
  fd: `FD_${evaluator} (lower is better)`,
  cmmd: `CMMD_${evaluator} (×1000, σ = 10; lower is better)`,
});

export function BoardReferenceSection(props: {
  promptSet: string;
  version: number;
  evaluatorId: string | undefined;
  metric: string | undefined;
  /** Evaluator id of an image feature space (DINOv2…) to show the distribution metric in; default the evaluator's own. */
  featureSpace?: string;
  includeDemo: boolean;
  keep: Record<string, string | undefined>;
  /** Every variant of the board by id: variants not compared yet have no row above to take a name from. */
  variantNames: Record<string, string>;
}) {
  const metric: BoardReferenceMetric = BOARD_REFERENCE_METRICS.includes(props.metric as never)
    ? (props.metric as BoardReferenceMetric)
    : "recall";
  const board = getBoardReferenceMetrics({
    promptSet: props.promptSet,
    version: props.version,
    evaluator: props.evaluatorId,
    metric,
    includeDemo: props.includeDemo ? "true" : "false",
  });
  const spaces = imageFeatureSpaces(board.promptSet.id);
  const space = spaces.find((s) => s.id === props.featureSpace);
  if (space) {
    Object.assign(
      board,
      getBoardReferenceMetrics({
        promptSet: props.promptSet,
        version: props.version,
        evaluator: board.evaluatorId ?? undefined,
        featureSpace: space.id,
        metric,
        includeDemo: props.includeDemo ? "true" : "false",
      }),
    );
  }
  if (board.rows.length === 0 && spaces.length === 0) return null;
  // Every label names the feature space its numbers live in: the picked image feature space, else the evaluator's.
  const LABELS = labels(space?.label ?? board.evaluatorName ?? board.evaluatorId ?? "evaluator");
  const label = (m: BoardReferenceMetric) => LABELS[m];
  const axis = metric === "recall" || metric === "coverage" ? metric : null;
  const switched =
    axis && board.evaluatorId
      ? rankOnReferenceAxis(
          { promptSetId: board.promptSet.id, evaluatorId: board.evaluatorId, includeDemo: props.includeDemo },
          axis,
        )
      : null;
  const names = new Map([
    ...Object.entries(props.variantNames),
    ...board.rows.map((r) => [r.variantId, r.variant] as const),
  ]);
  const bySet = new Map<string, BoardReferenceRow[]>();
  for (const r of board.rows) bySet.set(r.referenceSetId, [...(bySet.get(r.referenceSetId) ?? []), r]);
  const exportHref = `/api/v1/reference-metrics?promptSet=${encodeURIComponent(board.promptSet.name)}&version=${board.promptSet.version}&evaluator=${encodeURIComponent(board.evaluatorId ?? "")}&metric=${metric}${space ? `&featureSpace=${encodeURIComponent(space.id)}` : ""}`;
  return (
    <section aria-labelledby="reference" className="mt-8">
      <h2 id="reference" className="text-lg font-semibold">
        Against reference sets
      </h2>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Secondary view; the ranking above is unchanged. Pairwise diversity measures spread within a prompt; recall and
        coverage say whether that spread reaches the variety of the reference images (per-prompt means with 95%
        bootstrap CIs over prompts for sets tied to this prompt set).
      </p>
      <form method="get" action="/" className="mt-2 flex flex-wrap items-end gap-3 text-sm">
        {Object.entries(props.keep).map(([k, v]) =>
          v === undefined ? null : <input key={k} type="hidden" name={k} value={v} />,
        )}
        {spaces.length > 0 && (
          <label className="flex flex-col">
            Feature space
            <select
              name="refSpace"
              defaultValue={space?.id ?? ""}
              className="mt-1 rounded border border-slate-300 px-2 py-1"
              data-testid="ref-space-picker"
            >
              <option value="">the evaluator&apos;s own (CLIP)</option>
              {spaces.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="flex flex-col">
          Metric
          <select
            name="refMetric"
            defaultValue={metric}
            className="mt-1 max-w-full rounded border border-slate-300 px-2 py-1"
            data-testid="ref-metric-picker"
          >
            {BOARD_REFERENCE_METRICS.map((m) => (
              <option key={m} value={m}>
                {SHORT[m]}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="rounded border border-indigo-600 px-3 py-1.5 font-medium text-indigo-700 hover:bg-indigo-50"
        >
          Show
        </button>
      </form>
      {[...bySet.values()].map((rows) => (
        <div key={rows[0]!.referenceSetId} className="mt-3 overflow-x-auto">
          <h3 className="text-sm font-medium">
            <Link href={`/reference-sets/${rows[0]!.referenceSetId}`} className="underline">
              <UserText text={rows[0]!.referenceSet} expand={false} /> v{rows[0]!.referenceVersion}
            </Link>{" "}
            · {rows[0]!.level}
          </h3>
          <table className="mt-1 w-full min-w-[32rem] border-collapse bg-white text-sm" data-testid="board-reference">
            <thead>
              <tr className="border-b border-slate-200 text-left">
                <th scope="col" className="p-2">
                  Variant
                </th>
                <th scope="col" className="p-2 text-right">
                  Guidance
                </th>
                <th scope="col" className="p-2 text-right">
                  Diversity [95% CI]
                </th>
                <th scope="col" className="p-2 text-right">
                  {label(metric)} [95% CI]
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.runId} className="border-b border-slate-100">
                  <td className="whitespace-nowrap p-2">
                    <Link href={`/runs/${r.runId}`} className="underline">
                      <UserText text={r.variant} expand={false} />
                    </Link>
                  </td>
                  <td className="p-2 text-right">{r.guidanceScale}</td>
                  <td className="p-2 text-right">
                    {fmt(r.diversity)}{" "}
                    <span className="text-xs text-slate-500">
                      {r.diversityLow !== null ? fmtCi({ low: r.diversityLow, high: r.diversityHigh! }) : ""}
                    </span>
                  </td>
                  <td className="p-2 text-right" title={r.reason ?? undefined} data-testid="board-reference-value">
                    <span className={r.reliable ? "" : "text-amber-800"}>
                      {fmt(r.value)}
                      {!r.reliable && r.value !== null ? " ⚠" : ""}
                    </span>{" "}
                    <span className="text-xs text-slate-500">
                      {r.low !== null ? fmtCi({ low: r.low, high: r.high! }) : ""}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {/* Focusable, so a keyboard can scroll it on a phone (it holds no link of its own). */}
      {switched && (
        <div
          className="mt-4 overflow-x-auto"
          tabIndex={0}
          role="region"
          aria-label="Ranking on the reference axis (scrolls sideways)"
        >
          <h3 className="text-sm font-medium">
            Ranking on the <span data-testid="reference-axis-name">{switched.axis} axis</span>: fidelity at matched
            per-prompt {switched.axis} (k = {switched.axis === "recall" ? 3 : 5}, against {switched.referenceSet.name} v
            {switched.referenceSet.version}), not at matched diversity
            {switched.ranking.diversity
              ? ` · ${switched.axis} level ${fmt(switched.ranking.diversity.value)} (${switched.ranking.diversity.rule})`
              : ""}
          </h3>
          <p className="text-xs text-slate-500">
            The same method as the ranking above (fidelity at one matched level, bootstrap over prompts), with each run
            placed at its mean per-prompt {switched.axis} instead of its pairwise diversity
            {switched.runsWithout ? `; ${switched.runsWithout} run(s) not compared with this set yet are left out` : ""}
            .
          </p>
          <table
            className="mt-1 w-full min-w-[28rem] border-collapse bg-white text-sm"
            data-testid="reference-axis-ranking"
          >
            <thead>
              <tr className="border-b border-slate-200 text-left">
                <th scope="col" className="p-2">
                  Rank
                </th>
                <th scope="col" className="p-2">
                  Variant
                </th>
                <th scope="col" className="p-2 text-right">
                  Fidelity at matched {switched.axis} [95% CI]
                </th>
              </tr>
            </thead>
            <tbody>
              {switched.ranking.ranked.map((v) => (
                <tr key={v.variantId} className="border-b border-slate-100">
                  <td className="p-2">{v.rank}</td>
                  <td className="p-2">
                    <UserText text={names.get(v.variantId) ?? v.variantId} expand={false} />
                  </td>
                  <td className="p-2 text-right">
                    {fmt(v.score, 2)} <span className="text-xs text-slate-500">{v.ci ? fmtCi(v.ci, 2) : ""}</span>
                  </td>
                </tr>
              ))}
              {switched.waiting.map((v) => (
                <tr
                  key={v.variantId}
                  className="border-b border-slate-100 text-slate-500"
                  data-testid="reference-axis-waiting"
                >
                  <td className="p-2">—</td>
                  <td className="p-2">
                    <UserText text={names.get(v.variantId) ?? v.variantId} expand={false} />
                  </td>
                  <td className="p-2 text-right">
                    {v.queued > 0
                      ? `not compared with this reference set yet: ${v.queued} of its ${v.runs} run(s) queued or being compared; reload in a moment`
                      : `not compared with this reference set yet (${v.runs} run(s))`}
                  </td>
                </tr>
              ))}
              {switched.ranking.unranked.map((v) => (
                <tr key={v.variantId} className="border-b border-slate-100 text-slate-500">
                  <td className="p-2">—</td>
                  <td className="p-2">
                    <UserText text={names.get(v.variantId) ?? v.variantId} expand={false} />
                  </td>
                  <td className="p-2 text-right">{v.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="mt-2 text-sm">
        Download:{" "}
        <a href={`${exportHref}&format=csv`} className="underline">
          CSV
        </a>{" "}
        ·{" "}
        <a href={`${exportHref}&format=json`} className="underline">
          JSON
        </a>
      </p>
    </section>
  );
}
