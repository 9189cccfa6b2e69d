// The leaderboard's ranking with its diversity axis switched to per-prompt recall or coverage
// against a reference set tied to the board's prompt set. The method is the ranking's (v3)
// unchanged (lib/ranking: monotone curves, one matched level, bootstrap t intervals, Holm), except
// the level: the prompt set's default level is a diversity, not a recall, so this ranking's level
// is the highest recall (coverage) every curve reaches, flagged as depending on the variants: each
// run's per-prompt diversity is replaced by that prompt's recall (or coverage) against the
// reference images of the prompt, so the run's x coordinate is the mean over prompts where it is
// defined — the per-prompt mean the run page shows — and resampling prompts moves it exactly as
// it moves diversity. Runs without reference metrics (not compared yet) are left out.
import { and, desc, eq, inArray, isNotNull } from "drizzle-orm";
import { getDb } from "../../db/client";
import { jobs, prompts, referenceScores, referenceSets, type ReferenceSetRow } from "../../db/schema/index";
import { loadBoardInputs } from "./board-inputs";
import { rankVariants, type Ranking, type RankingOptions, type RankingVariant } from "../ranking/index";
import type { ReferenceMetrics } from "../reference-sets/reference-metrics";

export const REFERENCE_AXES = ["recall", "coverage"] as const;
export type ReferenceAxis = (typeof REFERENCE_AXES)[number];

export type ReferenceAxisRanking = {
  axis: ReferenceAxis;
  referenceSet: Pick<ReferenceSetRow, "id" | "name" | "version">;
  ranking: Ranking;
  /** Runs of the board left out: not compared with this reference set (yet). */
  runsWithout: number;
  /**
   * Variants none of whose runs is compared with the set yet, left out of the ranking (not listed
   * as unranked with a reason that would not be true): runs waiting, and how many of them have a
   * comparison queued or running.
   */
  waiting: { variantId: string; runs: number; queued: number }[];
};

/**
 * Null when no reference set tied to the prompt set has metrics for the board's runs (then the
 * board has no switchable axis). `referenceSetId` picks a set; default: the latest tied set with results.
 */
export function rankOnReferenceAxis(
  scope: { promptSetId: string; evaluatorId: string; includeDemo: boolean },
  axis: ReferenceAxis,
  opts: { referenceSetId?: string; ranking?: RankingOptions } = {},
): ReferenceAxisRanking | null {
  const db = getDb();
  const inputs = loadBoardInputs(db, scope).inputs;
  const runIds = inputs.flatMap((v) => v.runs.map((r) => r.runId));
  if (runIds.length === 0) return null;
  const scores = db
    .select({ runId: referenceScores.runId, set: referenceSets, metrics: referenceScores.metrics })
    .from(referenceScores)
    .innerJoin(referenceSets, eq(referenceSets.id, referenceScores.referenceSetId))
    .where(
      and(
        inArray(referenceScores.runId, runIds),
        eq(referenceScores.evaluatorId, scope.evaluatorId),
        eq(referenceSets.promptSetId, scope.promptSetId),
        isNotNull(referenceSets.promptSetId),
        opts.referenceSetId ? eq(referenceSets.id, opts.referenceSetId) : undefined,
      ),
    )
    .orderBy(desc(referenceScores.computedAt))
    .all();
  if (scores.length === 0) return null;
  const set = scores[0]!.set;
  const byRun = new Map<string, ReferenceMetrics>();
  for (const s of scores) if (s.set.id === set.id) byRun.set(s.runId, s.metrics);

  const keyOfRow = new Map(
    db
      .select({ id: prompts.id, key: prompts.promptKey })
      .from(prompts)
      .where(eq(prompts.promptSetId, scope.promptSetId))
      .all()
      .map((p) => [p.id, p.key]),
  );
  let without = 0;
  const compared = (v: RankingVariant) => v.runs.some((r) => byRun.get(r.runId)?.perPrompt?.rows);
  const waitingVariants = inputs.filter((v) => !compared(v));
  const waitingRuns = waitingVariants.flatMap((v) => v.runs.map((r) => r.runId));
  const queued = new Set(
    waitingRuns.length
      ? db
          .select({ runId: jobs.runId })
          .from(jobs)
          .where(
            and(
              inArray(jobs.runId, waitingRuns),
              eq(jobs.kind, "reference_metrics"),
              inArray(jobs.status, ["queued", "running"]),
            ),
          )
          .all()
          .map((j) => j.runId)
      : [],
  );
  const switched: RankingVariant[] = inputs.filter(compared).map((v) => ({
    variantId: v.variantId,
    runs: v.runs.flatMap((r) => {
      const rows = byRun.get(r.runId)?.perPrompt?.rows;
      if (!rows) {
        without++;
        return [];
      }
      // Stored rows are keyed by prompt row id; the ranking's prompts by prompt key.
      const value = new Map(rows.map((q) => [keyOfRow.get(Number(q.key)) ?? q.key, q[axis]]));
      return [{ ...r, prompts: r.prompts.map((p) => ({ ...p, diversity: value.get(String(p.promptId)) ?? null })) }];
    }),
  }));
  return {
    axis,
    referenceSet: { id: set.id, name: set.name, version: set.version },
    ranking: rankVariants(switched, opts.ranking),
    runsWithout: without + waitingRuns.length,
    waiting: waitingVariants.map((v) => ({
      variantId: v.variantId,
      runs: v.runs.length,
      queued: v.runs.filter((r) => queued.has(r.runId)).length,
    })),
  };
}
