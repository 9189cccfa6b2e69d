// 404 inside the layout for an unknown address, or an unknown prompt set or evaluator in the
// leaderboard's or compare page's URL: lists the leaderboards that exist.
import type { Metadata } from "next";
import { connection } from "next/server";
import { NotFoundPanel } from "@/app/_components/not-found-panel";
import { leaderboardUrl } from "@/lib/leaderboard/run-leaderboard";
import { listPromptSets } from "@/lib/prompt-sets/list-prompt-sets";

export const metadata: Metadata = { title: "Not found" };

export default async function NotFound() {
  await connection(); // the list is read per request, never baked in at build time
  const sets = listPromptSets({ includeImplicit: true }).filter((s) => s.runCount > 0);
  return (
    <NotFoundPanel
      title="Not found"
      message="Nothing here: the page, or the prompt set or evaluator named in the address, does not exist (names are case-sensitive; an evaluator is shown only on prompt sets it scored runs of)."
      linksHeading="Leaderboards with runs"
      links={sets.map((s) => ({
        href: leaderboardUrl(s.name),
        label: `${s.name} v${s.version}`,
        note: `${s.runCount} run${s.runCount === 1 ? "" : "s"}, ${s.promptCount} prompts${s.isImplicit ? ", made from uploads" : ""}`,
      }))}
      more={{ href: "/api/v1/prompt-sets", label: "Every prompt set (API)" }}
    />
  );
}
