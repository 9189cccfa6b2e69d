// GET /api/v1/health – liveness, whether scoring works (503 when it has stopped), which evaluator scores on this server, and how many runs lack its scores
import { evaluatorWarning } from "@/lib/clip/identity";
import { route } from "@/lib/http/respond";
import { rescoreHint } from "@/lib/runs/rescore-hint";
import { serviceEvaluatorIdentity } from "@/lib/scoring/service-evaluator";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { scoringHealth } from "@/lib/workers/scoring-health";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const identity = await serviceEvaluatorIdentity();
  const { id, name, variant, isFixture } = identity;
  const warning = evaluatorWarning(identity);
  const hint = await rescoreHint();
  const scoring = scoringHealth();
  return Response.json(
    {
      status: scoring.status === "ok" ? "ok" : "scoring_stopped",
      evaluator: { id, name, variant, isFixture, ...(warning ? { warning } : {}) },
      rescore: { runsLackingScores: hint.runsLackingScores, command: hint.command },
      scoring,
    },
    { status: scoring.status === "ok" ? 200 : 503 },
  );
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
