// Axis scales for the plots: the domain hugs the data (no forced zero) and ticks are round
// numbers (1, 2 or 5 × 10^k steps, Heckbert's "nice numbers", Graphics Gems 1990).

export type NiceScale = { domain: [number, number]; ticks: number[]; decimals: number };

function niceStep(span: number, maxTicks: number): number {
  const raw = span / Math.max(1, maxTicks - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/**
 * Round ticks covering [min, max] with at most about `maxTicks` ticks; the domain runs from
 * the last tick at or below `min` to the first at or above `max`. A zero-width range is
 * widened to ±5% of the value (±0.5 around 0). `decimals` is how many a tick label needs.
 * Throws on non-finite input.
 */
export function niceScale(min: number, max: number, maxTicks = 6): NiceScale {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new Error(`niceScale: non-finite range [${min}, ${max}]`);
  if (min > max) [min, max] = [max, min];
  if (max - min < 1e-12) {
    const pad = Math.abs(min) > 1e-12 ? Math.abs(min) * 0.05 : 0.5;
    min -= pad;
    max += pad;
  }
  const step = niceStep(max - min, maxTicks);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks: number[] = [];
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(Number(t.toFixed(decimals)));
  return { domain: [ticks[0]!, ticks[ticks.length - 1]!], ticks, decimals };
}
