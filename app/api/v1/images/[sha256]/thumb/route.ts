// GET /api/v1/images/:sha256/thumb?size=160 – a cached WebP thumbnail of a stored sample
// (not rate limited: a run page shows dozens, and browsers cache them for good)
import { AppError } from "@/lib/core/errors";
import { route } from "@/lib/http/respond";
import { thumbnail } from "@/lib/storage/thumbnail";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ sha256: string }> }>(async (req, { params }) => {
  const { sha256 } = await params;
  if (!/^[0-9a-f]{64}$/.test(sha256))
    throw new AppError("bad_request", "an image is addressed by its lowercase hex SHA256");
  const size = Number(new URL(req.url).searchParams.get("size") ?? 160);
  const { data } = await thumbnail(sha256, size);
  return new Response(new Uint8Array(data), {
    headers: { "Content-Type": "image/webp", "Cache-Control": "public, max-age=31536000, immutable" },
  });
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
