// GET /api/v1/health – liveness, which evaluator scores on this server, and how many runs lack its scores
import { evaluatorWarning } from "@/lib/clip/identity";
import { route } from "@/lib/http/respond";
import { rescoreHint } from "@/lib/runs/rescore-hint";
import { serviceEvaluatorIdentity } from "@/lib/scoring/service-evaluator";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const identity = await serviceEvaluatorIdentity();
  const { id, name, variant, isFixture } = identity;
  const warning = evaluatorWarning(identity);
  const hint = await rescoreHint();
  return Response.json({
    status: "ok",
    evaluator: { id, name, variant, isFixture, ...(warning ? { warning } : {}) },
    rescore: { runsLackingScores: hint.runsLackingScores, command: hint.command },
  });
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
