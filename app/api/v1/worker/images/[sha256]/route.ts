// GET /api/v1/worker/images/:sha256 – a stored image's bytes for a scoring worker (worker token; not rate-limited)
import { AppError } from "@/lib/core/errors";
import { requireWorkerToken } from "@/lib/http/auth";
import { route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { getImageOrThrow } from "@/lib/storage/get-image-or-throw";
import { serveObject } from "@/lib/storage/serve-object";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ sha256: string }> }>(async (req, { params }) => {
  requireWorkerToken(req);
  const { sha256 } = await params;
  if (!/^[0-9a-f]{64}$/.test(sha256))
    throw new AppError("bad_request", "an image is addressed by its lowercase hex SHA256");
  const img = getImageOrThrow(sha256);
  return serveObject(img.key, {
    "Content-Type": img.contentType,
    "Cache-Control": "private, max-age=31536000, immutable",
  });
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
