// Retry a failed run, or re-score a scored one with the installed evaluator, from its page:
// POSTs to /api/v1/runs/{id}/retry|rescore; the progress bar then follows the scoring.
import { PostAction } from "@/app/_components/post-action";

type Action = "retry" | "rescore";

const LABEL: Record<Action, string> = { retry: "Retry scoring", rescore: "Re-score with the installed evaluator" };

export function RunActions({ id, action, evaluator }: { id: string; action: Action; evaluator?: string }) {
  const intro =
    action === "rescore" && evaluator
      ? `This run has no scores from the installed evaluator ${evaluator} yet.`
      : undefined;
  return (
    <PostAction
      url={`/api/v1/runs/${id}/${action}`}
      label={LABEL[action]}
      intro={intro}
      successText="queued for scoring"
    />
  );
}
