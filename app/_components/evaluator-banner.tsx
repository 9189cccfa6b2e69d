import { connection } from "next/server";
import { FIXTURE_WARNING, TOY_WARNING, evaluatorWarning } from "@/lib/clip/identity";
import { realEvaluatorAdvice } from "@/lib/clip/resolve-model";
import { rescoreHint } from "@/lib/runs/rescore-hint";
import { getServiceEvaluator } from "@/lib/scoring/service-evaluator";

/** Shown on every page while the service scores with the random-weight fixture or the toy-world model, or while scored runs lack the installed evaluator's scores. */
export async function EvaluatorBanner() {
  // Rendered per request: the installed model can change without a rebuild.
  await connection();
  const ev = await getServiceEvaluator().catch(() => undefined);
  if (!ev) return null;
  const warning = evaluatorWarning(ev.identity);
  if (warning === TOY_WARNING) {
    return (
      <div role="status" className="bg-sky-100 px-4 py-2 text-center text-sm text-sky-950" data-testid="toy-banner">
        <strong>Scores on this server come from the {TOY_WARNING}.</strong> {realEvaluatorAdvice()}
      </div>
    );
  }
  if (!ev.identity.isFixture) {
    const hint = await rescoreHint().catch(() => undefined);
    if (!hint?.command) return null;
    return (
      <div role="status" className="bg-sky-100 px-4 py-2 text-center text-sm text-sky-950" data-testid="rescore-banner">
        <strong>
          {hint.runsLackingScores === 1 ? "1 scored run lacks" : `${hint.runsLackingScores} scored runs lack`} scores
          from the installed evaluator {hint.evaluator}.
        </strong>{" "}
        Re-score them: in the project folder on the server, run{" "}
        <code className="rounded bg-sky-200 px-1 break-all">{hint.command}</code>.
      </div>
    );
  }
  return (
    <div role="status" className="bg-amber-100 px-4 py-2 text-center text-sm text-amber-950">
      <strong>This server scores new runs with a {FIXTURE_WARNING}.</strong> (The toy-world demo keeps its toy-world
      evaluator's scores.) Install the real evaluator with{" "}
      <code className="rounded bg-amber-200 px-1">npm run fetch-model</code> and restart.
    </div>
  );
}
