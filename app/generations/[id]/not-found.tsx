// 404 for /generations/{unknown}: lists the latest generations.
import type { Metadata } from "next";
import { connection } from "next/server";
import { NotFoundPanel } from "@/app/_components/not-found-panel";
import { listGenerations } from "@/lib/generation/list-generations";

export const metadata: Metadata = { title: "Generation not found" };

export default async function GenerationNotFound() {
  await connection();
  const generations = listGenerations({ limit: 20 }).generations;
  return (
    <NotFoundPanel
      title="Generation not found"
      message="No generation request has the id in this address. Generations are requested on a variant's page (Generate samples) or with POST /api/v1/generations."
      linksHeading="Latest generations"
      links={generations.map((g) => ({
        href: `/generations/${g.id}`,
        label: `${g.variant.name} on ${g.promptSet.name}`,
        note: `${g.id} · ${g.status}`,
      }))}
    />
  );
}
