// Holm's step-down correction for multiple comparisons (Holm 1979, "A simple
// sequentially rejective multiple test procedure", Scand. J. Statist. 6:65–70).
//
// For m p-values sorted ascending p(1) ≤ … ≤ p(m), the adjusted value is
//   p̃(k) = max_{j ≤ k} min(1, (m − j + 1) · p(j)),
// and rejecting p̃ < α keeps the family-wise error rate at α under any dependence.
// Example: p = [0.01, 0.04, 0.03] → sorted 0.01, 0.03, 0.04 → 3·0.01 = 0.03,
// 2·0.03 = 0.06, max(0.06, 1·0.04) = 0.06 → adjusted [0.03, 0.06, 0.06].

/** Holm-adjusted p-values, in the order given; an empty list gives []. */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  for (const p of pValues) if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value ${p} is outside [0, 1]`);
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i]! - pValues[j]! || i - j);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((i, k) => {
    running = Math.max(running, Math.min(1, (m - k) * pValues[i]!));
    out[i] = running;
  });
  return out;
}
