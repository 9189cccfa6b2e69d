// Pages load their subject through a lib verb that throws AppError("not_found"); this turns
// that into Next's notFound(), so the visitor gets a 404 page inside the site's layout (the
// nearest not-found.tsx, which says what was not found and links to what exists) instead of
// an error page.
import { notFound } from "next/navigation";
import { isAppError } from "@/lib/core/errors";

export function orNotFound<T>(load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (isAppError(e) && e.code === "not_found") notFound();
    throw e;
  }
}
