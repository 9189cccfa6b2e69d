// GET /api/v1/prompt-sets – list prompt sets; POST creates one from JSON or an uploaded JSONL/CSV file
import { createPromptSetJsonSchema } from "@/lib/http/schemas";
import { AppError } from "@/lib/core/errors";
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { readJson, route } from "@/lib/http/respond";
import { createPromptSet } from "@/lib/prompt-sets/create-prompt-set";
import { listPromptSets } from "@/lib/prompt-sets/list-prompt-sets";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { readSmallForm } from "@/lib/uploads/read-small-form";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const MAX_FILE_BYTES = 20 * 1024 * 1024;

export const GET = route(async (req) => {
  rateLimit(req, "read");
  const includeImplicit = new URL(req.url).searchParams.get("includeImplicit") === "true";
  return Response.json({ promptSets: listPromptSets({ includeImplicit }) });
});

export const POST = route(async (req) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  let result;
  if (type.startsWith("multipart/form-data")) {
    if (Number(req.headers.get("content-length") ?? 0) > MAX_FILE_BYTES)
      throw new AppError("payload_too_large", `prompt files are limited to ${MAX_FILE_BYTES} bytes`);
    // Read while it streams and stopped at the limit: a chunked body has no length to check first.
    const form = await readSmallForm(req.body, req.headers.get("content-type"), {
      maxBytes: MAX_FILE_BYTES,
      fileField: "file",
      fields: ["name", "description"],
    });
    const { file } = form;
    const { name, description } = form.fields;
    if (!file)
      throw new AppError(
        "validation_failed",
        'send the prompts as a file part named "file" (JSONL or CSV: id?, prompt, category?)',
      );
    if (typeof name !== "string") throw new AppError("validation_failed", 'missing the "name" field');
    result = createPromptSet({ name, description, file: { bytes: file.bytes, fileName: file.name } }, key);
  } else {
    const body = createPromptSetJsonSchema.parse(await readJson(req, MAX_FILE_BYTES));
    result = createPromptSet(body, key);
  }
  return Response.json(result, { status: result.created ? 201 : 200 });
});

export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");
