"use client";
// The diversity–fidelity plot: one curve per variant (its runs in guidance order, with
// bootstrap error bars and guidance labels) and its fitted curve (lib/ranking/monotone-curve.ts) drawn dashed on top.
import { CartesianGrid, ErrorBar, Label, LabelList, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { UserText } from "./user-text";

export type ChartPoint = {
  runId: string;
  guidanceScale: number;
  diversity: number;
  clipScore: number;
  diversityCi?: [number, number];
  clipScoreCi?: [number, number];
};
export type ChartSeries = { name: string; points: ChartPoint[]; front?: ChartPoint[] };

export const SERIES_COLORS = ["#4f46e5", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#be185d", "#65a30d"];

type Row = ChartPoint & { x: number; y: number; xErr: [number, number]; yErr: [number, number]; label: string };

function rows(points: ChartPoint[]): Row[] {
  return [...points]
    .sort((a, b) => a.guidanceScale - b.guidanceScale)
    .map((p) => ({
      ...p,
      x: p.diversity,
      y: p.clipScore,
      // recharts takes [below, above] offsets for asymmetric error bars.
      xErr: p.diversityCi ? [p.diversity - p.diversityCi[0], p.diversityCi[1] - p.diversity] : [0, 0],
      yErr: p.clipScoreCi ? [p.clipScore - p.clipScoreCi[0], p.clipScoreCi[1] - p.clipScore] : [0, 0],
      label: `w=${p.guidanceScale}`,
    }));
}

export function TradeoffChart({ series, height = 380, showLabels = true, evaluatorNote }: { series: ChartSeries[]; height?: number; showLabels?: boolean; evaluatorNote?: string }) {
  return (
    <figure className="rounded border border-slate-200 bg-white p-2" data-testid="tradeoff-chart">
      <div style={{ width: "100%", height }}>
        <ResponsiveContainer>
          <ScatterChart margin={{ top: 16, right: 24, bottom: 28, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" dataKey="x" name="diversity" domain={["auto", "auto"]} tickFormatter={(v: number) => v.toFixed(3)}>
              <Label value="pairwise diversity (1 − mean cos) →" position="bottom" offset={8} />
            </XAxis>
            <YAxis type="number" dataKey="y" name="CLIP score" domain={["auto", "auto"]} tickFormatter={(v: number) => v.toFixed(1)}>
              <Label value="CLIP score →" angle={-90} position="insideLeft" />
            </YAxis>
            <Tooltip
              formatter={(v) => (typeof v === "number" ? v.toFixed(4) : String(v))}
              labelFormatter={() => ""}
              cursor={{ strokeDasharray: "3 3" }}
            />
            <Legend verticalAlign="top" formatter={(value: string) => <UserText text={value} max={60} expand={false} />} />
            {series.map((s, i) => (
              <Scatter key={s.name} name={s.name} data={rows(s.points)} fill={SERIES_COLORS[i % SERIES_COLORS.length]} line={{ stroke: SERIES_COLORS[i % SERIES_COLORS.length], strokeOpacity: 0.5 }} isAnimationActive={false}>
                <ErrorBar dataKey="yErr" direction="y" width={4} stroke={SERIES_COLORS[i % SERIES_COLORS.length]} strokeOpacity={0.35} />
                <ErrorBar dataKey="xErr" direction="x" width={4} stroke={SERIES_COLORS[i % SERIES_COLORS.length]} strokeOpacity={0.35} />
                {showLabels && <LabelList dataKey="label" position="right" style={{ fontSize: 10, fill: "#475569" }} />}
              </Scatter>
            ))}
            {series.map((s, i) =>
              s.front && s.front.length > 1 ? (
                <Scatter
                  key={`${s.name}-front`}
                  name={`${s.name} fitted curve`}
                  legendType="none"
                  data={rows(s.front).sort((a, b) => a.x - b.x)}
                  fill="none"
                  line={{ stroke: SERIES_COLORS[i % SERIES_COLORS.length], strokeWidth: 2.5, strokeDasharray: "6 3" }}
                  shape={() => <g />}
                  isAnimationActive={false}
                />
              ) : null,
            )}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="px-2 pb-1 text-xs text-slate-500">
        Each point is a run (w = guidance scale) with 95% bootstrap CIs; dashed lines join the fitted curve points the ranking reads its scores from. Up and right is better.
        {evaluatorNote ? ` ${evaluatorNote}` : ""}
      </figcaption>
      <details className="px-2 pb-2 text-xs">
        <summary className="cursor-pointer text-slate-600">Data table</summary>
        <table className="mt-1 w-full text-left">
          <thead>
            <tr>
              <th scope="col">variant</th>
              <th scope="col">guidance</th>
              <th scope="col">diversity</th>
              <th scope="col">CLIP score</th>
            </tr>
          </thead>
          <tbody>
            {series.flatMap((s) =>
              rows(s.points).map((p) => (
                <tr key={`${s.name}-${p.runId}`}>
                  <td>
                    <UserText text={s.name} />
                  </td>
                  <td>{p.guidanceScale}</td>
                  <td>{p.diversity.toFixed(4)}</td>
                  <td>{p.clipScore.toFixed(3)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export function DownloadLinks({ href }: { href: string }) {
  const sep = href.includes("?") ? "&" : "?";
  return (
    <p className="mt-1 text-xs text-slate-600">
      Download data:{" "}
      <a className="underline" href={`${href}${sep}format=csv`} download>
        CSV
      </a>{" "}
      ·{" "}
      <a className="underline" href={`${href}${sep}format=json`} download>
        JSON
      </a>
    </p>
  );
}
