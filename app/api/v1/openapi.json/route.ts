// GET /api/v1/openapi.json – the OpenAPI 3.1 document, generated from the request schemas
import { openApiDocument } from "@/lib/api/openapi";
import { route } from "@/lib/http/respond";

export const runtime = "nodejs";

export const GET = route(() => Response.json(openApiDocument()));
