// Route handlers: run a handler, map AppError/ZodError to the one error shape
// `{ error: { code, message, details? } }`, and log (never leak) anything unexpected.
import { ZodError } from "zod";
import { AppError, isAppError, validationError } from "../core/errors";
import { isBusyError } from "../core/sqlite-busy";

/** Seconds a client is asked to wait after a 503 for a busy database. */
export const BUSY_RETRY_AFTER_S = 2;

/** The 503 for a write that met another process's write lock: nothing was written, retry later. */
export function databaseBusyError(): AppError {
  return new AppError(
    "unavailable",
    `the database is busy (another process holds its write lock); nothing was written: retry in ${BUSY_RETRY_AFTER_S} s`,
    { reason: "database_busy" },
    { "Retry-After": String(BUSY_RETRY_AFTER_S) },
  );
}

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export function errorResponse(e: AppError): Response {
  const body: ErrorBody = {
    error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) },
  };
  return Response.json(body, { status: e.status, headers: e.headers });
}

export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  if (e instanceof ZodError) return validationError(e);
  if (isBusyError(e)) return databaseBusyError();
  const id = Math.random().toString(36).slice(2, 10);
  console.error(`[${new Date().toISOString()}] internal error ${id}:`, e);
  return new AppError("internal", `internal error (reference ${id}); the server log has the details`);
}

type Handler<C> = (req: Request, ctx: C) => Promise<Response> | Response;

export function route<C = unknown>(handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (e) {
      return errorResponse(toAppError(e));
    }
  };
}

/**
 * Parses a JSON request body of at most `maxBytes` bytes, refusing other content types (415),
 * a declared Content-Length over the limit (413, before reading) and, for bodies sent without
 * one (chunked), a stream that passes the limit (413, reading stops there), and broken JSON (400).
 */
export async function readJson(req: Request, maxBytes = 1_000_000): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new AppError("unsupported_media_type", `expected Content-Type application/json, got "${type || "none"}"`);
  }
  const tooLarge = () =>
    new AppError("payload_too_large", `JSON body over ${maxBytes} bytes`, { limit: "maxBytes", max: maxBytes });
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError("bad_request", "request body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "request body is not valid JSON");
  }
}
