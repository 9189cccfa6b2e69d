// Public entry of the ranking: pure functions over per-prompt statistics, no I/O.
export { rankVariants } from "./rank-variants";
export { compareVariants, type ComparedVariant, type PromptComparison, type VariantComparison, type WinRate } from "./compare-variants";
export { chooseCommonInterval, type CommonInterval } from "./common-interval";
export { hypervolume, interpolationWeights, meanOnInterval, paretoFront, type PlanePoint } from "./pareto-front";
export { promptCounts, runPointFromCounts, runPointFromIndices, runPromptArrays, type RunPromptArrays } from "./run-points";
export { RANKING_METHOD, rankingMethodDoc, renderMethodMarkdown, type MethodDoc, type MethodSection } from "./method-doc";
export * from "./settings";
export type * from "./types";
