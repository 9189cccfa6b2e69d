// The experiment document's board (experiment-doc.ts ExperimentBoard) rebuilt from one
// evaluator's entry of GET /api/v1/leaderboard, so that the mode against a running service
// writes the same document as the in-process mode, which reads getRankedBoard directly.
import { z } from "zod";
import type { ExperimentBoard } from "../experiment-doc";

const ci = z.object({ low: z.number(), high: z.number() });

/** The parts of GET /api/v1/leaderboard the experiment reads (lib/leaderboard/get-leaderboard.ts Leaderboard). */
export const leaderboardAnswerSchema = z.looseObject({
  promptSet: z.looseObject({ name: z.string(), version: z.number() }),
  evaluators: z.array(
    z.looseObject({
      evaluator: z.looseObject({ id: z.string(), name: z.string() }),
      ranking: z.looseObject({
        methodVersion: z.string(),
        updating: z.boolean(),
        diversity: z.looseObject({ value: z.number(), isDefault: z.boolean(), rule: z.string() }).nullable(),
        rows: z.array(
          z.looseObject({
            variantId: z.string(),
            variant: z.string(),
            position: z.number().nullable(),
            rank: z.number().nullable(),
            rankWorst: z.number().nullable(),
            score: z.number().nullable(),
            scoreLow: z.number().nullable(),
            scoreHigh: z.number().nullable(),
            extended: z.boolean().nullable(),
            prompts: z.number(),
            notRankedReason: z.string().nullable(),
          }),
        ),
        pairs: z.array(
          z.looseObject({
            a: z.string(),
            b: z.string(),
            difference: z.looseObject({ estimate: z.number(), ci: ci.nullable().optional() }),
            pAdjusted: z.number(),
            significant: z.boolean(),
            dominant: z.enum(["a", "b"]).nullable(),
          }),
        ),
      }),
      variants: z.array(
        z.looseObject({
          variant: z.looseObject({ id: z.string(), name: z.string() }),
          runs: z.array(z.looseObject({ runId: z.string() })),
        }),
      ),
    }),
  ),
});
export type LeaderboardAnswer = z.infer<typeof leaderboardAnswerSchema>;
export type LeaderboardEvaluatorBoard = LeaderboardAnswer["evaluators"][number];

/**
 * Per variant, how many variants it is significantly better / worse than, from the pairwise
 * matrix: the count lib/ranking/rank-variants.ts makes (a significant pair counts for the
 * higher-scoring side unless the lower-scoring side dominates it).
 */
export function significanceCounts(
  pairs: LeaderboardEvaluatorBoard["ranking"]["pairs"],
): Map<string, { better: number; worse: number }> {
  const out = new Map<string, { better: number; worse: number }>();
  const entry = (id: string) => out.get(id) ?? out.set(id, { better: 0, worse: 0 }).get(id)!;
  for (const p of pairs) {
    entry(p.a);
    entry(p.b);
    if (!p.significant) continue;
    const [hi, lo, loSide] = p.difference.estimate > 0 ? [p.a, p.b, "b"] : [p.b, p.a, "a"];
    if (p.dominant === loSide) continue;
    entry(hi).better += 1;
    entry(lo).worse += 1;
  }
  return out;
}

/** The document's board from one evaluator's leaderboard entry; ranking null when nothing is ranked. */
export function experimentBoardFromLeaderboard(
  promptSet: LeaderboardAnswer["promptSet"],
  board: LeaderboardEvaluatorBoard,
): ExperimentBoard {
  const variants: ExperimentBoard["variants"] = {};
  for (const v of board.variants) variants[v.variant.id] = { name: v.variant.name };
  for (const r of board.ranking.rows) variants[r.variantId] ??= { name: r.variant };
  const counts = significanceCounts(board.ranking.pairs);
  const rows = board.ranking.rows;
  const ranked = rows
    .filter((r) => r.position !== null && r.rank !== null && r.score !== null)
    .sort((a, b) => a.position! - b.position!)
    .map((r) => ({
      variantId: r.variantId,
      rank: r.rank!,
      rankWorst: r.rankWorst ?? r.rank!,
      score: r.score!,
      ci: r.scoreLow !== null && r.scoreHigh !== null ? { low: r.scoreLow, high: r.scoreHigh } : null,
      extended: r.extended ?? false,
      significantlyBetterThan: counts.get(r.variantId)?.better ?? 0,
      significantlyWorseThan: counts.get(r.variantId)?.worse ?? 0,
    }));
  const unranked = rows
    .filter((r) => r.position === null)
    .map((r) => ({ variantId: r.variantId, reason: r.notRankedReason ?? "not ranked" }));
  return {
    promptSet: { name: promptSet.name, version: promptSet.version },
    variants,
    ranking:
      board.ranking.diversity === null && ranked.length === 0
        ? null
        : {
            methodVersion: board.ranking.methodVersion,
            diversity: board.ranking.diversity,
            prompts: rows[0]?.prompts ?? 0,
            ranked,
            unranked,
            pairs: board.ranking.pairs,
          },
  };
}
