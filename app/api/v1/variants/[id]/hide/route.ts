// POST /api/v1/variants/:id/hide – hide a variant from rankings with a reason shown to readers (owner or admin)
import { visibilityRoute } from "@/lib/http/visibility-route";
import { setVariantHidden } from "@/lib/variants/set-variant-hidden";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE } = visibilityRoute(setVariantHidden, true);
