// The ranking as flat rows, one per variant of the board: what the ranking export (CSV
// and JSON), GET /api/v1/leaderboard and the page's table show, so they cannot disagree.
import type { RankedBoard } from "./get-ranked-board";

export type RankingRow = {
  methodVersion: string;
  promptSet: string;
  evaluator: string;
  evaluatorIsFixture: boolean;
  /** Diversity level the scores are read at, whether it is the default one, and which rule chose it. */
  diversityLevel: number | null;
  levelIsDefault: boolean | null;
  levelSource: string | null;
  levelRule: string | null;
  /** Where every listed curve is observed. */
  windowLow: number | null;
  windowHigh: number | null;
  /** Median MDE over the board's pairs at 80 % power. */
  boardMde: number | null;
  /** Why no difference is called significant (too few prompts), else null. */
  significanceWithheld: string | null;
  /** Order on the board (by rank, then score); null when not ranked. */
  position: number | null;
  /** 1 + variants significantly better (Holm); rankWorst is the worst rank the tests allow. */
  rank: number | null;
  rankWorst: number | null;
  variantId: string;
  variant: string;
  conditioningType: string;
  /** Fidelity at the diversity level (CLIPScore, torchmetrics convention, 0–100). */
  score: number | null;
  scoreLow: number | null;
  scoreHigh: number | null;
  ciLevel: number | null;
  /** The CI's standard error and degrees of freedom (t interval), its prompt-level SE. */
  se: number | null;
  df: number | null;
  promptSe: number | null;
  /** Trained copies; the between-replicate (model) SD, null with one ("model-level variance unknown"). */
  replicates: number | null;
  modelSd: number | null;
  modelVarianceKnown: boolean | null;
  /** Resamples in which a curve was read beyond its span (counted rule). */
  beyondSpan: number | null;
  /** Scored at its least diverse point, more diverse than the level (a conservative value). */
  extended: boolean | null;
  /** Bootstrap resamples the CI rests on, of B. */
  resamples: number | null;
  B: number | null;
  seed: number | null;
  /** resamples ≥ 95% of B. */
  reliable: boolean | null;
  prompts: number;
  runs: number;
  /** The variant's runs (;-separated, by guidance scale), their guidance scales and replicate labels ("" for none). */
  runIds: string;
  guidanceScales: string;
  replicateLabels: string;
  notRankedReason: string | null;
};

/** Ranked variants in board order, then the unranked and excluded ones with their reasons. */
export function rankingRows(board: RankedBoard): RankingRow[] {
  const r = board.ranking;
  const base = (variantId: string) => ({
    methodVersion: board.methodVersion,
    promptSet: `${board.promptSet.name} v${board.promptSet.version}`,
    evaluator: board.evaluator?.id ?? "",
    evaluatorIsFixture: board.evaluator?.isFixture ?? false,
    diversityLevel: r?.diversity?.value ?? null,
    levelIsDefault: r?.diversity?.isDefault ?? null,
    levelSource: r?.diversity?.source ?? null,
    levelRule: r?.diversity?.rule ?? null,
    windowLow: r?.window?.low ?? null,
    windowHigh: r?.window?.high ?? null,
    boardMde: r?.power.mde ?? null,
    significanceWithheld: r?.significance.withheld ?? null,
    variantId,
    variant: board.variants[variantId]?.name ?? variantId,
    conditioningType: board.variants[variantId]?.conditioningType ?? "",
    prompts: board.prompts,
    ...runColumns(variantId),
  });
  const runColumns = (variantId: string) => {
    const runs = board.runs.filter((x) => x.variantId === variantId);
    return {
      runIds: runs.map((x) => x.runId).join(";"),
      guidanceScales: runs.map((x) => x.guidanceScale).join(";"),
      replicateLabels: runs.map((x) => x.replicate ?? "").join(";"),
    };
  };
  const none = {
    position: null,
    rank: null,
    rankWorst: null,
    score: null,
    scoreLow: null,
    scoreHigh: null,
    ciLevel: null,
    se: null,
    df: null,
    promptSe: null,
    replicates: null,
    modelSd: null,
    modelVarianceKnown: null,
    beyondSpan: null,
    extended: null,
    resamples: null,
    B: null,
    seed: null,
    reliable: null,
  };
  return [
    ...(r?.ranked ?? []).map((v) => ({
      ...base(v.variantId),
      position: v.position,
      rank: v.rank,
      rankWorst: v.rankWorst,
      score: v.score,
      scoreLow: v.ci?.low ?? null,
      scoreHigh: v.ci?.high ?? null,
      ciLevel: v.ci?.level ?? null,
      se: v.ci?.se ?? null,
      df: v.ci?.df ?? null,
      promptSe: v.replicateVariance.promptSe,
      replicates: v.replicateVariance.replicates,
      modelSd: v.replicateVariance.modelSd,
      modelVarianceKnown: v.replicateVariance.known,
      beyondSpan: v.ci?.beyondSpan ?? null,
      extended: v.extended,
      resamples: v.ci?.resamples ?? 0,
      B: r!.settings.B,
      seed: r!.settings.seed,
      reliable: v.ci?.reliable ?? false,
      runs: v.runs,
      notRankedReason: null,
    })),
    ...(r?.unranked ?? []).map((v) => ({ ...base(v.variantId), ...none, runs: v.runs, notRankedReason: v.reason })),
    ...board.excluded.map((v) => ({
      ...base(v.variantId),
      ...none,
      runs: board.runs.filter((x) => x.variantId === v.variantId).length,
      notRankedReason: v.reason,
    })),
  ];
}
