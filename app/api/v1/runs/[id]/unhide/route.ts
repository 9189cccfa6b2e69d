// POST /api/v1/runs/:id/unhide – put a hidden run back into rankings (owner or admin)
import { visibilityRoute } from "@/lib/http/visibility-route";
import { setRunHidden } from "@/lib/runs/set-run-hidden";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE } = visibilityRoute(setRunHidden, false);
