// Which runs enter rankings, curves and plot data: never hidden runs or runs of hidden variants
// (lib/runs/set-run-hidden.ts); optionally only one source. The one WHERE clause the leaderboard
// loaders share, over a query that joins `runs` and `variants`.
import { and, eq, isNull, type SQL } from "drizzle-orm";
import { z } from "zod";
import { runs, variants } from "../../db/schema";

/** uploaded / generated: non-demo runs of that source; demo: the seeded demo runs. */
export const RUN_SOURCE_FILTERS = ["uploaded", "generated", "demo"] as const;
export const runSourceFilterSchema = z.enum(RUN_SOURCE_FILTERS);
export type RunSourceFilter = z.infer<typeof runSourceFilterSchema>;

export function rankedRunsFilter(opts: { source?: RunSourceFilter; includeDemo?: boolean } = {}): SQL {
  const source =
    opts.source === "demo"
      ? eq(runs.isDemo, true)
      : opts.source
        ? and(eq(runs.source, opts.source), eq(runs.isDemo, false))
        : undefined;
  return and(
    isNull(runs.hiddenAt),
    isNull(variants.hiddenAt),
    source,
    opts.includeDemo === false ? eq(runs.isDemo, false) : undefined,
  )!;
}

/** The same source rule for a run already loaded (pages filtering a run list). */
export function matchesSourceFilter(
  run: { source: string; isDemo: boolean },
  source: RunSourceFilter | undefined,
): boolean {
  if (!source) return true;
  return source === "demo" ? run.isDemo : !run.isDemo && run.source === source;
}
