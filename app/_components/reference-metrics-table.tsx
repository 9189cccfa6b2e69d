// Distribution metrics against reference sets (lib/reference-sets/reference-metrics.ts): one row per
// reference set, unreliable numbers marked with their reason, CIs where computed.
import Link from "next/link";
import type { Flagged, ReferenceMetrics } from "@/lib/reference-sets/reference-metrics";
import { fmt, fmtCi } from "./format";
import { UserText } from "./user-text";

function Cell({ f, digits = 3, testId }: { f: Flagged; digits?: number; testId?: string }) {
  return (
    <td className="p-2 text-right" title={f.reason} data-testid={testId}>
      <span className={f.reliable ? "" : "text-amber-800"}>
        {fmt(f.value, digits)}
        {!f.reliable && f.value !== null ? " ⚠" : ""}
      </span>
      {f.ci && (
        <span
          className="block text-xs text-slate-500"
          title={
            f.ci.bias !== undefined
              ? `bias-corrected percentile interval (${f.ci.method ?? "BC"}): estimated bias of the statistic under resampling ${fmt(f.ci.bias, digits)}`
              : undefined
          }
        >
          {fmtCi(f.ci, digits)}
        </span>
      )}
    </td>
  );
}

function Mean({ m }: { m: NonNullable<ReferenceMetrics["perPrompt"]>["recall"] | undefined }) {
  if (!m?.mean) return <td className="p-2 text-right">—</td>;
  return (
    <td className="p-2 text-right" title={`${m.prompts} prompts${m.skipped ? `, ${m.skipped} without a value` : ""}`}>
      {fmt(m.mean.estimate)}
      <span className="block text-xs text-slate-500">{fmtCi(m.mean)}</span>
    </td>
  );
}

export function ReferenceMetricsTable({
  rows,
  first,
}: {
  rows: { key: string; label: React.ReactNode; metrics: ReferenceMetrics }[];
  first: string;
}) {
  if (rows.length === 0) return null;
  const space = rows[0]!.metrics.evaluator.id;
  // One table is one feature space: numbers of two spaces are never put side by side.
  if (rows.some((r) => r.metrics.evaluator.id !== space))
    throw new Error(`ReferenceMetricsTable: rows of two feature spaces (${space} and another); group them by space`);
  const { fdLabel, cmmdLabel } = rows[0]!.metrics;
  return (
    <div className="mt-2 overflow-x-auto">
      <table className="w-full min-w-[48rem] border-collapse bg-white text-sm" data-testid="reference-metrics">
        <thead>
          <tr className="border-b border-slate-200 text-left">
            <th scope="col" className="whitespace-nowrap p-2">
              {first}
            </th>
            <th scope="col" className="p-2 text-right">
              n gen / ref
            </th>
            <th
              scope="col"
              className="p-2 text-right"
              title="Fréchet distance in this feature space (not FID); lower is better"
            >
              {fdLabel} ↓
            </th>
            <th
              scope="col"
              className="p-2 text-right"
              title="1000·MMD² (biased V-statistic, as google-research/cmmd), Gaussian kernel σ = 10, in the evaluator's embedding space; lower is better"
            >
              {cmmdLabel} ↓ <span className="block text-xs font-normal text-slate-500">×1000, σ = 10</span>
            </th>
            <th scope="col" className="p-2 text-right" title="improved precision, k = 3">
              precision
            </th>
            <th scope="col" className="p-2 text-right" title="improved recall, k = 3">
              recall
            </th>
            <th scope="col" className="p-2 text-right" title="density, k = 5">
              density
            </th>
            <th scope="col" className="p-2 text-right" title="coverage, k = 5">
              coverage
            </th>
            <th
              scope="col"
              className="p-2 text-right"
              title="mean over prompts of per-prompt recall, 95% bootstrap CI over prompts"
            >
              recall / prompt
            </th>
            <th
              scope="col"
              className="p-2 text-right"
              title="mean over prompts of per-prompt coverage, 95% bootstrap CI over prompts"
            >
              coverage / prompt
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ key, label, metrics: m }) => (
            <tr key={key} className="border-b border-slate-100">
              {/* The label column keeps its words whole; the table scrolls in its box on a phone. */}
              <td className="whitespace-nowrap p-2">{label}</td>
              <td className="p-2 text-right">
                {m.nGenerated} / {m.nReference}
              </td>
              <Cell f={m.fd} testId="ref-fd" />
              <Cell f={m.cmmd} />
              <Cell f={m.precision} />
              <Cell f={m.recall} testId="ref-recall" />
              <Cell f={m.density} />
              <Cell f={m.coverage} />
              <Mean m={m.perPrompt?.recall} />
              <Mean m={m.perPrompt?.coverage} />
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-1 text-xs text-slate-500">
        ⚠ = flagged as unreliable (hover for the reason: e.g. FD with fewer samples than the embedding dimension). CIs:
        bootstrap over prompts; for {fdLabel} and {cmmdLabel} bias-corrected (hover a CI for the estimated bias)
        {rows.some((r) => r.metrics.globalCiSkipped)
          ? "; the global metrics of some rows have none (hover the set)"
          : ""}
        .
      </p>
    </div>
  );
}

export function referenceSetLink(m: ReferenceMetrics) {
  return (
    <Link
      href={`/reference-sets/${m.referenceSet.id}`}
      className="underline"
      title={m.globalCiSkipped ? `no CIs for the global metrics: ${m.globalCiSkipped}` : undefined}
    >
      <UserText text={m.referenceSet.name} expand={false} /> v{m.referenceSet.version}
    </Link>
  );
}

/** Rows grouped by feature space (the evaluator that embedded them): CLIP spaces first, then image feature spaces. */
export function byFeatureSpace<T extends { metrics: ReferenceMetrics }>(rows: T[]): { space: string; rows: T[] }[] {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = r.metrics.evaluator.id;
    if (!out.has(k)) out.set(k, []);
    out.get(k)!.push(r);
  }
  const imageOnly = (rs: T[]) => (rs[0]!.metrics.evaluator.kind === "image-features" ? 1 : 0);
  return [...out].sort((a, b) => imageOnly(a[1]) - imageOnly(b[1])).map(([space, rs]) => ({ space, rows: rs }));
}
