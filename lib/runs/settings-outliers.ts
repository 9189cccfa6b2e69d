// Which runs of a curve were made differently from the rest: within each curve (a variant's runs
// on one prompt set), the usual value of each setting is its most common one (ties: the value of
// the earliest run in the input); a run whose value differs is marked with what differs. Guidance
// scale is the curve's axis and never compared. Curves of one run have nothing to differ from.
export type RunSettings = {
  runId: string;
  /** Runs with the same curve key are compared with each other (variant id + prompt set id). */
  curve: string;
  settings: Record<string, string | number | null>;
};

export type SettingDifference = { setting: string; value: string | number | null; usual: string | number | null };

export function settingsOutliers(list: readonly RunSettings[]): Map<string, SettingDifference[]> {
  const byCurve = new Map<string, RunSettings[]>();
  for (const r of list) byCurve.set(r.curve, [...(byCurve.get(r.curve) ?? []), r]);
  const out = new Map<string, SettingDifference[]>();
  for (const group of byCurve.values()) {
    if (group.length < 2) continue;
    const keys = [...new Set(group.flatMap((r) => Object.keys(r.settings)))];
    for (const key of keys) {
      const counts = new Map<string, { value: string | number | null; n: number }>();
      for (const r of group) {
        const v = r.settings[key] ?? null;
        const k = JSON.stringify(v);
        counts.set(k, { value: v, n: (counts.get(k)?.n ?? 0) + 1 });
      }
      if (counts.size < 2) continue;
      // Map iteration is insertion order, so on a tie the earliest run's value wins.
      const usual = [...counts.values()].reduce((best, c) => (c.n > best.n ? c : best)).value;
      for (const r of group) {
        const v = r.settings[key] ?? null;
        if (JSON.stringify(v) === JSON.stringify(usual)) continue;
        out.set(r.runId, [...(out.get(r.runId) ?? []), { setting: key, value: v, usual }]);
      }
    }
  }
  return out;
}
