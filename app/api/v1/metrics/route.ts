// POST /api/v1/metrics – score a small batch synchronously (no run is stored)
import { config } from "@/lib/core/config";
import { AppError, isAppError } from "@/lib/core/errors";
import { readJson, route } from "@/lib/http/respond";
import { rateLimit } from "@/lib/http/rate-limit";
import { scoreStaged } from "@/lib/scoring/score-staged";
import { ingestJsonImages, ingestMultipart, type StagedUpload } from "@/lib/uploads";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Oversized batches belong in a run: say so in the 413. */
function pointToRuns(e: unknown): unknown {
  if (!isAppError(e)) return e;
  const tooMany = e.code === "validation_failed" && (e.details as { limit?: string } | undefined)?.limit === "maxFiles";
  if (e.code !== "payload_too_large" && !tooMany) return e;
  const c = config();
  return new AppError(
    "payload_too_large",
    `${e.message}. /api/v1/metrics takes at most ${c.metricsMaxImages} images and ${c.metricsMaxBytes} bytes; upload larger batches as a run with POST /api/v1/runs`,
    { ...(typeof e.details === "object" ? e.details : {}), useInstead: "/api/v1/runs" },
  );
}

export const POST = route(async (req) => {
  rateLimit(req, "write");
  const c = config();
  const limits = {
    maxFiles: c.metricsMaxImages,
    maxUploadBytes: c.metricsMaxBytes,
    maxArchiveBytes: c.metricsMaxBytes,
    maxTotalPixels: c.metricsMaxPixels,
  };
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  let staged: StagedUpload;
  try {
    if (type.startsWith("application/json")) {
      // base64 inflates by 4/3; allow for it and the JSON around it.
      staged = await ingestJsonImages(await readJson(req, Math.ceil(c.metricsMaxBytes * 1.4) + 65_536), { limits });
    } else {
      if (!type.startsWith("multipart/form-data")) {
        throw new AppError(
          "unsupported_media_type",
          `send multipart/form-data (image files) or application/json (base64 images), got ${type || "no content type"}`,
        );
      }
      if (!req.body) throw new AppError("bad_request", "empty request body");
      staged = await ingestMultipart(req.body, req.headers.get("content-type"), { limits });
    }
  } catch (e) {
    throw pointToRuns(e);
  }
  try {
    const raw = new URL(req.url).searchParams.get("seed") ?? staged.fields.seed;
    const seed = raw !== undefined && raw !== null ? (/^\d+$/.test(String(raw).trim()) ? Number(raw) : NaN) : undefined;
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
      throw new AppError("validation_failed", "seed must be an integer from 0 to 4294967295");
    }
    return Response.json(await scoreStaged(staged, { seed }));
  } finally {
    await staged.cleanup();
  }
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
