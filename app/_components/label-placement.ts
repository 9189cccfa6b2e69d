// Which point labels of a plot to draw so that none overlap: greedy in priority order (the
// caller puts the points it most wants labelled first), each label a box to the right of its
// point, refused when it would overlap a label already placed. Unlabelled points keep their
// marker; the tooltip names them on hover.

export type LabelCandidate = { x: number; y: number; text: string };

/** Pixel sizes of the label boxes (defaults: 10 px sans-serif labels). */
export type LabelMetrics = { charWidth: number; height: number; gap: number };

const DEFAULTS: LabelMetrics = { charWidth: 6, height: 12, gap: 5 };

type Box = { x0: number; y0: number; x1: number; y1: number };

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** The box a label occupies: right of the point, vertically centred on it (pixels, y down). */
export function labelBox(c: LabelCandidate, m: LabelMetrics = DEFAULTS): Box {
  return {
    x0: c.x + m.gap,
    x1: c.x + m.gap + c.text.length * m.charWidth,
    y0: c.y - m.height / 2,
    y1: c.y + m.height / 2,
  };
}

/**
 * For candidates in pixel coordinates, in priority order: true where the label is drawn.
 * No two drawn labels overlap.
 */
export function placeLabels(candidates: LabelCandidate[], metrics: Partial<LabelMetrics> = {}): boolean[] {
  const m = { ...DEFAULTS, ...metrics };
  const placed: Box[] = [];
  return candidates.map((c) => {
    const box = labelBox(c, m);
    if (placed.some((p) => overlaps(p, box))) return false;
    placed.push(box);
    return true;
  });
}
