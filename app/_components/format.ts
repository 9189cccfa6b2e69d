// Number formatting shared by the pages: fixed digits, em dash for missing values.
export const fmt = (v: number | null | undefined, digits = 3): string =>
  v === null || v === undefined || Number.isNaN(v) ? "—" : v.toFixed(digits);

export const fmtCi = (ci: { low: number; high: number } | null | undefined, digits = 3): string =>
  ci ? `[${fmt(ci.low, digits)}, ${fmt(ci.high, digits)}]` : "";

export const CONDITIONING_LABELS: Record<string, string> = {
  text_sequence: "text sequence (cross-attention)",
  clip_image_embedding: "CLIP image embedding (prior)",
  clip_text_embedding: "CLIP text embedding",
  "clip_image_embedding+text_sequence": "CLIP image embedding + text sequence",
  other: "other",
};

/** A prompt's text for a page title: whitespace collapsed, cut at `max` characters with an ellipsis. */
export function promptTitle(text: string, max = 60): string {
  const t = text.replace(/\s+/g, " ").trim();
  return `“${t.length > max ? `${t.slice(0, max - 1).trimEnd()}…` : t}”`;
}
