// Wrong methods on an API route: Next.js answers an empty 405 for a method a route file does
// not export, so each route file exports the others from here and they answer in the error shape.
import { AppError } from "../core/errors";
import { errorResponse } from "./respond";

export const API_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type ApiMethod = (typeof API_METHODS)[number];

type Handler = (req: Request) => Response;

/**
 * Handlers for every method in API_METHODS (a route destructures those it does not implement):
 * each answers 405 `method_not_allowed` with `Allow` listing `allowed` (+ HEAD with GET, and
 * OPTIONS, which Next.js implements itself) and the allowed methods in `details.allow`.
 * Usage: `export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");`
 */
export function methodsNotAllowed(...allowed: ApiMethod[]): Record<ApiMethod, Handler> {
  const allow = [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : []), "OPTIONS"];
  const handler: Handler = (req) =>
    errorResponse(
      new AppError(
        "method_not_allowed",
        `${req.method} is not allowed on ${new URL(req.url).pathname}; use ${allowed.join(" or ")}`,
        { allow },
        { Allow: allow.join(", ") },
      ),
    );
  return Object.fromEntries(API_METHODS.map((m) => [m, handler])) as Record<ApiMethod, Handler>;
}
