// GET /api/v1/images/:sha256 – a stored sample image by content hash (immutable, cacheable)
import { AppError } from "@/lib/core/errors";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { getImageOrThrow } from "@/lib/storage/get-image-or-throw";
import { serveObject } from "@/lib/storage/serve-object";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ sha256: string }> }>(async (req, { params }) => {
  rateLimit(req, "read");
  const { sha256 } = await params;
  if (!/^[0-9a-f]{64}$/.test(sha256))
    throw new AppError("bad_request", "an image is addressed by its lowercase hex SHA256");
  const img = getImageOrThrow(sha256);
  return serveObject(img.key, {
    "Content-Type": img.contentType,
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
  });
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
