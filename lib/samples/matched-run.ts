// Which of a variant's runs the prompt view shows: the run whose run-level diversity is
// nearest the ranking's comparison level (ties: the lower guidance scale), moved `shift`
// steps along the variant's guidance scales and clamped to its range.

export type CurveRun = { runId: string; guidanceScale: number; diversity: number | null };

/**
 * `curve`: a variant's runs (any order); runs without a diversity are skipped. `target` null
 * (no comparison level) picks the middle guidance scale. Returns undefined when no run has a
 * diversity; `clamped` is true when the shift ran past either end.
 */
export function matchedRun<R extends CurveRun>(
  curve: readonly R[],
  target: number | null,
  shift = 0,
): { run: R; index: number; matchedIndex: number; clamped: boolean } | undefined {
  const runs = curve.filter((r) => r.diversity !== null).sort((a, b) => a.guidanceScale - b.guidanceScale);
  if (runs.length === 0) return undefined;
  let matchedIndex = Math.floor((runs.length - 1) / 2);
  if (target !== null) {
    let best = Infinity;
    runs.forEach((r, i) => {
      const d = Math.abs(r.diversity! - target);
      if (d < best - 1e-12) {
        best = d;
        matchedIndex = i;
      }
    });
  }
  const wanted = matchedIndex + shift;
  const index = Math.max(0, Math.min(runs.length - 1, wanted));
  return { run: runs[index]!, index, matchedIndex, clamped: index !== wanted };
}
