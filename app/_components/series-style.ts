// A variant's look in every plot: one of 7 colours of the Okabe–Ito palette (distinguishable
// under the common colour-vision deficiencies; its yellow is left out, too pale on white) and
// one of 6 marker shapes. 7 and 6 are coprime, so the first 42 variants each get a distinct
// pair and consecutive variants differ in both colour and shape.

export const SERIES_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"] as const;
export const SERIES_SHAPES = ["circle", "square", "triangle", "diamond", "cross", "star"] as const;
export type SeriesShape = (typeof SERIES_SHAPES)[number];
export type SeriesStyle = { color: string; shape: SeriesShape };

/** The style of the variant with creation rank `index` (lib/variants/variant-style-order.ts). */
export function seriesStyle(index: number): SeriesStyle {
  const i = Math.max(0, Math.floor(index));
  return { color: SERIES_COLORS[i % SERIES_COLORS.length]!, shape: SERIES_SHAPES[i % SERIES_SHAPES.length]! };
}
