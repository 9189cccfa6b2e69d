// The thin lines of the diversity–fidelity plot: a variant's runs joined in guidance order, one
// line per source (uploaded and generated runs of a variant are different experiments, and a line
// through both in guidance order zigzags between them), and through the mean of the runs that
// share a guidance scale (replicates), so repeated runs do not draw a fan.
export type PathPoint = { x: number; y: number; guidanceScale: number; source?: string };

export function runPaths(points: PathPoint[]): PathPoint[][] {
  const bySource = new Map<string, PathPoint[]>();
  for (const p of points) {
    const key = p.source ?? "";
    bySource.set(key, [...(bySource.get(key) ?? []), p]);
  }
  return [...bySource.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([source, ps]) => {
      const byGuidance = new Map<number, PathPoint[]>();
      for (const p of ps) byGuidance.set(p.guidanceScale, [...(byGuidance.get(p.guidanceScale) ?? []), p]);
      return [...byGuidance.entries()]
        .sort(([a], [b]) => a - b)
        .map(([guidanceScale, g]) => ({
          guidanceScale,
          source: source || undefined,
          x: g.reduce((s, p) => s + p.x, 0) / g.length,
          y: g.reduce((s, p) => s + p.y, 0) / g.length,
        }));
    })
    .filter((path) => path.length > 1);
}
