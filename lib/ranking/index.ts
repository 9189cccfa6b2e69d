// Public entry of the ranking: pure functions over per-prompt statistics, no I/O.
export { rankVariants, COMMON_REACH_RULE } from "./rank-variants";
export { DEFAULT_LEVEL_RULES, levelRuleText, type LevelRule } from "./level-rules";
export { compareRuns, type RunComparison } from "./compare-runs";
export { designMde, designVariance, promptsNeeded, MAX_DESIGN_PROMPTS, type Design, type DesignAnswer } from "./power";
export { studentTQuantile, studentTTwoSided } from "./student-t";
export {
  compareVariants,
  pairLevel,
  type ComparedVariant,
  type PromptComparison,
  type VariantComparison,
  type WinRate,
} from "./compare-variants";
export { fidelityAt, fitMonotoneCurve, levelWeights, runWeightsAt, type CurveBlock } from "./monotone-curve";
export { holmAdjust } from "./holm";
export { hypervolume, paretoFront, type PlanePoint } from "./pareto-front";
export { promptCounts, runPointFromCounts, runPointFromIndices, runPromptArrays } from "./run-points";
export {
  RANKING_METHOD,
  rankingMethodDoc,
  renderMethodMarkdown,
  type MethodDoc,
  type MethodSection,
} from "./method-doc";
export * from "./settings";
export type * from "./types";
