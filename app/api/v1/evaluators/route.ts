// GET /api/v1/evaluators – the evaluator and image feature spaces this server scores with, the installed models with their conventions, and the catalogue
import { listEvaluators } from "@/lib/clip/list-evaluators";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { serviceEvaluatorIdentity, serviceFeatureSpaceIdentities } from "@/lib/scoring/service-evaluator";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  rateLimit(req, "read");
  return Response.json(
    await listEvaluators({ evaluator: serviceEvaluatorIdentity, featureSpaces: serviceFeatureSpaceIdentities }),
  );
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
