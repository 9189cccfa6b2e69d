// A second run of one variant at a guidance scale it already has (on the same prompt set, so on
// the same curve): a replicate (the same settings again, to measure noise) or a duplicate (the same
// samples uploaded twice under other settings, a mistake). The service cannot tell which, so it
// asks, in the upload answer and on the variant page, instead of silently making two points of
// one curve (EuroEval#1970 shows how that misleads).
//
// Runs labelled with different `replicate` labels (trained copies of the variant, ranking v3) are
// replicates by declaration: they are never asked about, and the ranking reads each label's runs
// as its own curve. The question is asked among runs of one label (or of none) only.
import { and, eq, isNull, ne } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import { runs, type RunRow } from "../../db/schema";

export type SameScaleNotice = {
  guidanceScale: number;
  /** The variant's other runs at this scale on this prompt set (not failed), oldest first. */
  otherRuns: string[];
  message: string;
};

type RunKey = Pick<RunRow, "id" | "variantId" | "promptSetId" | "guidanceScale" | "replicate">;

/**
 * The variant's other runs at `run`'s guidance scale on its prompt set with the same replicate
 * label (or none, like it), not failed, oldest first.
 */
export function sameScaleRuns(run: RunKey, db: DbOrTx = getDb()): string[] {
  return db
    .select({ id: runs.id })
    .from(runs)
    .where(
      and(
        eq(runs.variantId, run.variantId),
        eq(runs.promptSetId, run.promptSetId),
        eq(runs.guidanceScale, run.guidanceScale),
        run.replicate === null ? isNull(runs.replicate) : eq(runs.replicate, run.replicate),
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
  const nth = otherRuns.length === 1 ? "a second run" : `run ${otherRuns.length + 1}`;
  const label = run.replicate === null ? "" : ` of replicate "${run.replicate}"`;
  return {
    guidanceScale: run.guidanceScale,
    otherRuns,
    message:
      `${nth}${label} at guidance ${run.guidanceScale}: replicate or duplicate? This variant already has ` +
      `${otherRuns.join(", ")}${label} at guidance ${run.guidanceScale} on this prompt set. If it comes from ` +
      `another trained copy of the model, upload it with its own \`replicate\` label (the ranking then counts ` +
      `the copies' spread); if the same samples were uploaded again, delete one of them.`,
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
    replicate?: string | null;
    promptSet: { name: string; version: number };
  }[],
): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const r of list) {
    if (r.status === "failed") continue;
    const key = JSON.stringify([r.promptSet.name, r.promptSet.version, r.guidanceScale, r.replicate ?? null]);
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
