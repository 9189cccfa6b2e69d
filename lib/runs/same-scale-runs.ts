// A second run of one variant at a guidance scale it already has (on the same prompt set, so on
// the same curve): a replicate (the same settings again, to measure noise) or a duplicate (the same
// samples uploaded twice under other settings, a mistake). The service cannot tell which, so it
// asks, in the upload answer and on the variant page, instead of silently making two points of
// one curve (EuroEval#1970 shows how that misleads).
//
// Merge hook (ranking v3, issue 19): the upload's `replicate` label is stored on the run; a run
// that says it is a replicate is counted as one by the ranking and this notice then confirms it
// instead of asking: extend `sameScaleNotice` with the run's label where marked below.
import { and, eq, ne } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import { runs, type RunRow } from "../../db/schema";

export type SameScaleNotice = {
  guidanceScale: number;
  /** The variant's other runs at this scale on this prompt set (not failed), oldest first. */
  otherRuns: string[];
  message: string;
};

type RunKey = Pick<RunRow, "id" | "variantId" | "promptSetId" | "guidanceScale">;

/** The variant's other runs at `run`'s guidance scale on its prompt set, not failed, oldest first. */
export function sameScaleRuns(run: RunKey, db: DbOrTx = getDb()): string[] {
  return db
    .select({ id: runs.id })
    .from(runs)
    .where(
      and(
        eq(runs.variantId, run.variantId),
        eq(runs.promptSetId, run.promptSetId),
        eq(runs.guidanceScale, run.guidanceScale),
        ne(runs.id, run.id),
        ne(runs.status, "failed"),
      ),
    )
    .orderBy(runs.createdAt)
    .all()
    .map((r) => r.id);
}

/** The question to ask when `run` is not the variant's only run at its scale, else undefined. */
export function sameScaleNotice(run: RunKey, db: DbOrTx = getDb()): SameScaleNotice | undefined {
  const otherRuns = sameScaleRuns(run, db);
  if (otherRuns.length === 0) return undefined;
  // Merge hook (issue 19): when the run is labelled `replicate`, say it is counted as one instead.
  const nth = otherRuns.length === 1 ? "a second run" : `run ${otherRuns.length + 1}`;
  return {
    guidanceScale: run.guidanceScale,
    otherRuns,
    message:
      `${nth} at guidance ${run.guidanceScale}: replicate or duplicate? This variant already has ` +
      `${otherRuns.join(", ")} at guidance ${run.guidanceScale} on this prompt set. If it repeats the same ` +
      `settings to measure noise, it is a replicate; if the same samples were uploaded again, delete one of them.`,
  };
}

/**
 * Of one variant's runs (as its page lists them), each run that shares its guidance scale and
 * prompt set version with another run that did not fail, mapped to those other runs' ids.
 */
export function sameScaleGroups(
  list: readonly {
    id: string;
    status: string;
    guidanceScale: number;
    promptSet: { name: string; version: number };
  }[],
): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const r of list) {
    if (r.status === "failed") continue;
    const key = JSON.stringify([r.promptSet.name, r.promptSet.version, r.guidanceScale]);
    groups.set(key, [...(groups.get(key) ?? []), r.id]);
  }
  const out = new Map<string, string[]>();
  for (const ids of groups.values())
    if (ids.length > 1)
      for (const id of ids)
        out.set(
          id,
          ids.filter((x) => x !== id),
        );
  return out;
}
