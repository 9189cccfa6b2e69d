// Which variants are ranked together, and over which diversity interval.
//
// Rule: only fronts with at least 2 points (a positive diversity span) take part.
//   1. Take the set of fronts that all reach one diversity and is as large as
//      possible: the most variants that can be compared at a matched diversity.
//   2. The common interval is the intersection of their spans [lo, hi] (lo = hi
//      when they only touch; the score is then the curve's value at that point).
//   3. If several different sets are equally large, take the one with the widest
//      interval, then the one with the lowest lo.
//   4. If no diversity is reached by 2 fronts while 2 or more take part, there is
//      no common interval and nothing is ranked. A lone eligible front is ranked
//      on its own span (there is nothing to match it against).
// Why: dropping the fewest variants is the easiest rule to state and to check by
// eye on the plot, and it needs no tuning. The largest set is found exactly: some
// member's lower end is the intersection's lo, so it suffices to try each lower end.
//
// Example: spans A 0.2–0.6, B 0.3–0.5, C 0.7–0.9 → {A, B} on [0.3, 0.5]; C is left out.
import type { Interval } from "./types";

export interface CommonInterval {
  interval: Interval | null;
  /** Indices (into the spans given) of the variants ranked on the interval, ascending. */
  members: number[];
}

/** Spans [lo, hi] of each variant's front, or null for a variant that does not take part. */
export function chooseCommonInterval(spans: readonly (Interval | null)[]): CommonInterval {
  const eligible: number[] = [];
  spans.forEach((s, i) => {
    if (s !== null && s.lo < s.hi) eligible.push(i);
  });
  if (eligible.length === 0) return { interval: null, members: [] };
  if (eligible.length === 1) {
    const s = spans[eligible[0]!]!;
    return { interval: { lo: s.lo, hi: s.hi }, members: eligible };
  }
  let best: { members: number[]; lo: number; hi: number } | null = null;
  for (const i of eligible) {
    const lo = spans[i]!.lo;
    const members = eligible.filter((j) => spans[j]!.lo <= lo && lo <= spans[j]!.hi);
    const hi = Math.min(...members.map((j) => spans[j]!.hi));
    if (
      best === null ||
      members.length > best.members.length ||
      (members.length === best.members.length && (hi - lo > best.hi - best.lo || (hi - lo === best.hi - best.lo && lo < best.lo)))
    ) {
      best = { members, lo, hi };
    }
  }
  if (best === null || best.members.length < 2) return { interval: null, members: [] };
  return { interval: { lo: best.lo, hi: best.hi }, members: best.members };
}
