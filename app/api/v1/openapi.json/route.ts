// GET /api/v1/openapi.json – the OpenAPI 3.1 document, generated from the request schemas
import { openApiDocument } from "@/lib/http/openapi";
import { route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";

export const GET = route(() => Response.json(openApiDocument()));

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
