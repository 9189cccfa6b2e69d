// Any method on an unknown /api path – a JSON 404 in the error shape instead of the HTML not-found page
import { AppError } from "@/lib/core/errors";
import { errorResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function notFound(req: Request): Response {
  const path = new URL(req.url).pathname;
  return errorResponse(
    new AppError("not_found", `no API route ${path}; the routes are listed at /api/v1/openapi.json`, { path }),
  );
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
