// PUT /api/v1/worker/tasks/:id/samples/:index – store one generated PNG (201; 200 when the same bytes are stored; 409 other bytes)
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { AppError } from "@/lib/core/errors";
import { storeTaskSample } from "@/lib/generation/store-task-sample";
import { requireWorkerToken } from "@/lib/http/auth";
import { route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const PUT = route<{ params: Promise<{ id: string; index: string }> }>(async (req, { params }) => {
  const token = requireWorkerToken(req);
  const { id, index } = await params;
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "image/png")
    throw new AppError("unsupported_media_type", `send the sample as Content-Type image/png, not "${type || "none"}"`);
  if (!/^\d{1,6}$/.test(index))
    throw new AppError("validation_failed", `sample index "${index}" is not a non-negative integer`, { index });
  const body = req.body ? Readable.fromWeb(req.body as NodeWebStream<Uint8Array>) : Readable.from([]);
  const r = await storeTaskSample({ taskId: id, tokenId: token.id, index: Number(index), body });
  return Response.json(r, { status: r.stored ? 201 : 200 });
});

export const { GET, POST, PATCH, DELETE } = methodsNotAllowed("PUT");
