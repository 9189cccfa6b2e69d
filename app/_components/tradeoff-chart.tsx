"use client";
// The diversity–fidelity plot: one curve per variant (its runs in guidance order, with
// bootstrap error bars and guidance labels) and its fitted curve (lib/ranking/monotone-curve.ts) drawn dashed on top.
// Each variant keeps its colour and marker in every view (series-style.ts); guidance labels
// are thinned so that none overlap (label-placement.ts: front points first), every point
// names itself on hover; axes hug the data with round ticks (nice-scale.ts); CIs toggle.
import { useEffect, useMemo, useState } from "react";
import {
  CartesianGrid,
  ErrorBar,
  Label,
  LabelList,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  usePlotArea,
} from "recharts";
import { placeLabels } from "./label-placement";
import { runPaths } from "./run-paths";
import { niceScale } from "./nice-scale";
import { seriesStyle, type SeriesStyle } from "./series-style";
import { UserText } from "./user-text";

export type ChartPoint = {
  runId: string;
  /** uploaded or generated: runs of one source share a line. */
  source?: string;
  guidanceScale: number;
  diversity: number;
  clipScore: number;
  diversityCi?: [number, number];
  clipScoreCi?: [number, number];
};
/** `styleIndex`: the variant's creation rank (lib/variants/variant-style-order.ts); default: its position here. */
export type ChartSeries = { name: string; points: ChartPoint[]; front?: ChartPoint[]; styleIndex?: number };

type Row = ChartPoint & {
  x: number;
  y: number;
  xErr: [number, number];
  yErr: [number, number];
  label: string;
  series: string;
};

const MARGIN = { top: 16, right: 40, bottom: 28, left: 8 };
const Y_AXIS_WIDTH = 60;
const X_AXIS_HEIGHT = 30;
/** Label box metrics for 10 px labels in the widest common sans (DejaVu Sans), with room to spare. */
const LABEL_METRICS = { charWidth: 7, height: 14, gap: 10 };

type Area = { width: number; height: number };

/** Reports the chart's plot area (inside axes and legend), so labels are placed in its pixels. */
function PlotAreaProbe({ onChange }: { onChange: (a: Area) => void }) {
  const area = usePlotArea();
  const w = area?.width ?? 0;
  const h = area?.height ?? 0;
  useEffect(() => {
    if (w > 0 && h > 0) onChange({ width: w, height: h });
  }, [w, h, onChange]);
  return null;
}

function rows(series: string, points: ChartPoint[], ci: boolean): Row[] {
  return [...points]
    .sort((a, b) => a.guidanceScale - b.guidanceScale)
    .map((p) => ({
      ...p,
      series,
      x: p.diversity,
      y: p.clipScore,
      // recharts takes [below, above] offsets for asymmetric error bars.
      xErr: ci && p.diversityCi ? [p.diversity - p.diversityCi[0], p.diversityCi[1] - p.diversity] : [0, 0],
      yErr: ci && p.clipScoreCi ? [p.clipScore - p.clipScoreCi[0], p.clipScoreCi[1] - p.clipScore] : [0, 0],
      label: `w=${p.guidanceScale}`,
    }));
}

function extent(values: number[]): [number, number] {
  return values.length ? [Math.min(...values), Math.max(...values)] : [0, 1];
}

function PointTooltip({ active, payload }: { active?: boolean; payload?: { payload?: Row }[] }) {
  const r = payload?.[0]?.payload;
  if (!active || !r || !r.series) return null;
  const ci = (c?: [number, number], d = 3) => (c ? ` [${c[0].toFixed(d)}, ${c[1].toFixed(d)}]` : "");
  return (
    <div className="rounded border border-slate-300 bg-white px-2 py-1 text-xs shadow" data-testid="chart-tooltip">
      <p className="font-medium">
        <UserText text={r.series} max={60} expand={false} /> · w = {r.guidanceScale}
      </p>
      <p>
        diversity {r.diversity.toFixed(4)}
        {ci(r.diversityCi, 4)}
      </p>
      <p>
        CLIP score {r.clipScore.toFixed(2)}
        {ci(r.clipScoreCi, 2)}
      </p>
    </div>
  );
}

export function TradeoffChart({
  series,
  height = 380,
  showLabels = true,
  evaluatorNote,
  level,
}: {
  series: ChartSeries[];
  height?: number;
  showLabels?: boolean;
  evaluatorNote?: string;
  /** The diversity level the ranking compares fidelity at: drawn as a vertical line. */
  level?: number | null;
}) {
  const [showCi, setShowCi] = useState(true);
  const [area, setArea] = useState<Area | null>(null);
  const styles: SeriesStyle[] = series.map((s, i) => seriesStyle(s.styleIndex ?? i));

  const data = useMemo(() => series.map((s) => rows(s.name, s.points, showCi)), [series, showCi]);
  const paths = useMemo(() => data.map((d) => runPaths(d)), [data]);
  const fronts = useMemo(
    () =>
      series.map((s) => (s.front && s.front.length > 1 ? rows(s.name, s.front, false).sort((a, b) => a.x - b.x) : [])),
    [series],
  );

  // Axes from the data (and the CIs when shown), with round ticks.
  const all = data.flat();
  const xs = niceScale(
    ...extent([
      ...all.flatMap((r) => [r.x - r.xErr[0], r.x + r.xErr[1]]),
      ...fronts.flat().map((r) => r.x),
      ...(level !== undefined && level !== null ? [level] : []),
    ]),
  );
  const ys = niceScale(
    ...extent([...all.flatMap((r) => [r.y - r.yErr[0], r.y + r.yErr[1]]), ...fronts.flat().map((r) => r.y)]),
  );

  // Thin the guidance labels: front points first, then the rest in guidance order.
  const labelled = useMemo(() => {
    if (!showLabels || !area) return data.map((d) => d.map(() => ""));
    const plotW = area.width;
    const plotH = area.height;
    const px = (r: Row) => ({
      x: ((r.x - xs.domain[0]) / (xs.domain[1] - xs.domain[0])) * plotW,
      y: plotH - ((r.y - ys.domain[0]) / (ys.domain[1] - ys.domain[0])) * plotH,
    });
    const order = data.flatMap((d, si) =>
      d.map((r, pi) => ({ si, pi, r, onFront: fronts[si]!.some((f) => f.runId.split("+").includes(r.runId)) })),
    );
    order.sort((a, b) => Number(b.onFront) - Number(a.onFront));
    const shown = placeLabels(
      order.map((o) => ({ ...px(o.r), text: o.r.label })),
      LABEL_METRICS,
    );
    const out = data.map((d) => d.map(() => ""));
    order.forEach((o, k) => {
      if (shown[k]) out[o.si]![o.pi] = o.r.label;
    });
    return out;
  }, [data, fronts, showLabels, area, xs.domain, ys.domain]);

  const anyCi = series.some((s) => s.points.some((p) => p.diversityCi || p.clipScoreCi));

  return (
    <figure className="rounded border border-slate-200 bg-white p-2" data-testid="tradeoff-chart">
      <div style={{ width: "100%", height }}>
        <ResponsiveContainer>
          <ScatterChart margin={MARGIN}>
            <PlotAreaProbe onChange={setArea} />
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="x"
              name="diversity"
              domain={xs.domain}
              ticks={xs.ticks}
              allowDataOverflow
              tickFormatter={(v: number) => v.toFixed(xs.decimals)}
              height={X_AXIS_HEIGHT}
            >
              <Label value="pairwise diversity (1 − mean cos) →" position="bottom" offset={8} />
            </XAxis>
            <YAxis
              type="number"
              dataKey="y"
              name="CLIP score"
              domain={ys.domain}
              ticks={ys.ticks}
              allowDataOverflow
              tickFormatter={(v: number) => v.toFixed(ys.decimals)}
              width={Y_AXIS_WIDTH}
            >
              <Label value="CLIP score →" angle={-90} position="insideLeft" />
            </YAxis>
            <Tooltip content={<PointTooltip />} cursor={{ strokeDasharray: "3 3" }} />
            {/* No fixed height: recharts measures the legend, so a legend wrapped onto several lines on a phone
                pushes the plot down instead of covering its top tick. */}
            <Legend
              verticalAlign="top"
              wrapperStyle={{ paddingBottom: 8 }}
              formatter={(value: string) => <UserText text={value} max={60} expand={false} />}
            />
            {level !== undefined && level !== null && (
              <ReferenceLine
                x={level}
                stroke="#475569"
                strokeDasharray="2 3"
                ifOverflow="extendDomain"
                label={{ value: "comparison level", position: "insideTopLeft", fontSize: 10, fill: "#475569" }}
                data-testid="comparison-level"
              />
            )}
            {series.map((s, i) => (
              <Scatter
                key={s.name}
                name={s.name}
                data={data[i]!.map((r, k) => ({ ...r, label: labelled[i]![k] }))}
                fill={styles[i]!.color}
                shape={styles[i]!.shape}
                legendType={styles[i]!.shape}
                isAnimationActive={false}
                data-testid="chart-series"
              >
                {showCi && (
                  <ErrorBar dataKey="yErr" direction="y" width={4} stroke={styles[i]!.color} strokeOpacity={0.35} />
                )}
                {showCi && (
                  <ErrorBar dataKey="xErr" direction="x" width={4} stroke={styles[i]!.color} strokeOpacity={0.35} />
                )}
                {showLabels && <LabelList dataKey="label" position="right" style={{ fontSize: 10, fill: "#334155" }} />}
              </Scatter>
            ))}
            {series.flatMap((s, i) =>
              paths[i]!.map((path, k) => (
                // The thin line joining a variant's runs of one source; it must not take the hover from points under it.
                <Scatter
                  key={`${s.name}-path-${k}`}
                  name={`${s.name} runs${path[0]?.source ? ` (${path[0].source})` : ""}`}
                  legendType="none"
                  data={path}
                  fill="none"
                  line={{
                    stroke: styles[i]!.color,
                    strokeOpacity: 0.5,
                    strokeDasharray: path[0]?.source === "generated" ? "1 3" : undefined,
                    pointerEvents: "none",
                  }}
                  shape={() => <g />}
                  isAnimationActive={false}
                  tooltipType="none"
                />
              )),
            )}
            {series.map((s, i) =>
              fronts[i]!.length > 1 ? (
                <Scatter
                  key={`${s.name}-front`}
                  name={`${s.name} fitted curve`}
                  legendType="none"
                  data={fronts[i]}
                  fill="none"
                  // Drawn on top of the points: it must not take their hover (a run's tooltip) away either.
                  line={{ stroke: styles[i]!.color, strokeWidth: 2.5, strokeDasharray: "6 3", pointerEvents: "none" }}
                  shape={() => <g />}
                  isAnimationActive={false}
                  tooltipType="none"
                />
              ) : null,
            )}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="px-2 pb-1 text-xs text-slate-500">
        Each point is a run (w = guidance scale; hover a point for its values){showCi ? " with 95% bootstrap CIs" : ""};
        thin lines join a variant&apos;s runs in guidance order, uploaded and generated runs apart (generated dotted),
        through the mean of runs at one guidance scale; dashed lines join the fitted curve points the ranking reads its
        scores from
        {level !== undefined && level !== null
          ? `; the vertical line is the comparison level (diversity ${level.toFixed(3)})`
          : ""}
        . Up and right is better. Guidance labels that would overlap are left out.
        {evaluatorNote ? ` ${evaluatorNote}` : ""}
        {anyCi && (
          <label className="ml-2 inline-flex items-center gap-1 text-slate-700">
            <input
              type="checkbox"
              checked={showCi}
              onChange={(e) => setShowCi(e.target.checked)}
              data-testid="toggle-ci"
            />{" "}
            error bars
          </label>
        )}
      </figcaption>
      <details className="px-2 pb-2 text-xs">
        <summary className="cursor-pointer text-slate-600">Data table</summary>
        <div className="overflow-x-auto">
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
                rows(s.name, s.points, false).map((p) => (
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
        </div>
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
