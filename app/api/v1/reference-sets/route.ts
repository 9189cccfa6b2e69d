// POST /api/v1/reference-sets – upload a reference set of real images (validated like runs); GET lists them
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { referenceSetUploadFieldsSchema } from "@/lib/http/schemas";
import { AppError, validationError } from "@/lib/core/errors";
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { createReferenceSet } from "@/lib/reference-sets/create-reference-set";
import { listReferenceSets } from "@/lib/reference-sets/list-reference-sets";
import { ingestMultipart } from "@/lib/uploads";
import { stagedItemInputs } from "@/lib/uploads/staged-item-inputs";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  rateLimit(req, "read");
  return Response.json({ referenceSets: listReferenceSets() });
});

export const POST = route(async (req) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  if (!req.body)
    throw new AppError(
      "bad_request",
      "empty request body: send multipart/form-data with an archive, or a manifest and images",
    );
  const staged = await ingestMultipart(req.body, req.headers.get("content-type"));
  try {
    const fields = referenceSetUploadFieldsSchema.safeParse(staged.fields);
    if (!fields.success) throw validationError(fields.error, "reference set fields");
    const f = fields.data;
    const { referenceSet, images, queuedRuns } = await createReferenceSet(
      {
        name: f.name,
        description: f.description,
        promptSet: f.promptSet,
        promptSetVersion: f.promptSetVersion,
        items: stagedItemInputs(staged.items),
      },
      key,
    );
    const url = `/api/v1/reference-sets/${referenceSet.id}`;
    return Response.json(
      {
        ...referenceSet,
        images,
        queuedRuns,
        url,
        pageUrl: `/reference-sets/${referenceSet.id}`,
        ...(staged.ignoredFiles.length ? { ignoredFiles: staged.ignoredFiles } : {}),
      },
      { status: 201, headers: { Location: url } },
    );
  } finally {
    await staged.cleanup();
  }
});

export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");
