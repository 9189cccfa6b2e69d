// Why a variant is not on a prompt set's ranking, in words that match what its page shows below
// (its runs table): hidden, partial, not scored yet, scored by another evaluator, filtered out.
// The board itself leaves hidden variants and runs out without a reason, so the page asks here.
export type VariantRunOnSet = {
  status: string;
  /** Why the run is hidden from rankings, null when it is not. */
  hiddenReason: string | null;
  evaluator: { id: string } | null;
};

export function variantNotRankedReason(input: {
  variantHidden: boolean;
  /** The variant's runs on the board's prompt set (any status). */
  runs: VariantRunOnSet[];
  /** The evaluator whose board is shown. */
  boardEvaluatorId: string | null;
  /** The board's own reason, when it lists the variant as excluded (partial runs). */
  excludedReason?: string;
}): string {
  if (input.variantHidden) return "the variant is hidden from rankings; unhide it to rank its runs";
  if (input.excludedReason) return input.excludedReason;
  const scored = input.runs.filter((r) => r.status === "scored");
  if (input.runs.length === 0) return "it has no runs on this prompt set yet";
  if (scored.length === 0) {
    const waiting = input.runs.filter((r) => r.status !== "failed").length;
    return waiting > 0
      ? `none of its ${input.runs.length} run(s) there is scored yet (${waiting} waiting or being scored)`
      : `its ${input.runs.length} run(s) there failed; retry them from their pages`;
  }
  const visible = scored.filter((r) => r.hiddenReason === null);
  if (visible.length === 0) return `its ${scored.length} scored run(s) there are hidden from rankings`;
  const byBoard = visible.filter((r) => r.evaluator?.id === input.boardEvaluatorId);
  if (byBoard.length === 0) {
    const others = [...new Set(visible.map((r) => r.evaluator?.id).filter(Boolean))].join(", ");
    return `its scored runs there were scored by another evaluator (${others}) than this board's; pick it on the leaderboard`;
  }
  return "none of its scored runs there matches the filters (source, demo)";
}
