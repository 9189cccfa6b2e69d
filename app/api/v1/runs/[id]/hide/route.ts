// POST /api/v1/runs/:id/hide – hide a run from rankings with a reason shown to readers (owner or admin)
import { visibilityRoute } from "@/lib/http/visibility-route";
import { setRunHidden } from "@/lib/runs/set-run-hidden";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE } = visibilityRoute(setRunHidden, true);
