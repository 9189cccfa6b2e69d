// 404 for /runs/{unknown}: lists the latest runs.
import type { Metadata } from "next";
import { connection } from "next/server";
import { NotFoundPanel } from "@/app/_components/not-found-panel";
import { listRuns } from "@/lib/runs/list-runs";

export const metadata: Metadata = { title: "Run not found" };

export default async function RunNotFound() {
  await connection();
  const { runs, total } = listRuns({ limit: 20 });
  return (
    <NotFoundPanel
      title="Run not found"
      message="No run has the id in this address. Runs are never renamed; a deleted run's page is gone with it."
      linksHeading={total > runs.length ? `The latest ${runs.length} of ${total} runs` : "Runs"}
      links={runs.map((r) => ({
        href: `/runs/${r.id}`,
        label: `${r.variant} at guidance ${r.guidanceScale}`,
        note: `${r.id} · ${r.status} · ${r.promptSet.name}`,
      }))}
      more={{ href: "/api/v1/runs", label: "Every run (API, with filters)" }}
    />
  );
}
