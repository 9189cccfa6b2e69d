// 404 for /variants/{id}/prompts/{key}: says which part is unknown. An unknown prompt of a known
// variant lists that variant's prompts; an unknown variant gets the variants' list.
import type { Metadata } from "next";
import { connection } from "next/server";
import { headers } from "next/headers";
import { NotFoundPanel } from "@/app/_components/not-found-panel";
import { isAppError } from "@/lib/core/errors";
import { PAGE_PATH_HEADER } from "@/lib/http/page-policy";
import { listRuns } from "@/lib/runs/list-runs";
import { getPromptSetOrThrow } from "@/lib/prompt-sets/get-prompt-set-or-throw";
import { getVariantOrThrow } from "@/lib/variants/get-variant-or-throw";
import { VariantNotFoundPanel } from "@/app/_components/variant-not-found-panel";

export const metadata: Metadata = { title: "Not found" };

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export default async function VariantPromptNotFound() {
  await connection();
  const m = /^\/variants\/([^/]+)\/prompts\/([^/]+)/.exec((await headers()).get(PAGE_PATH_HEADER) ?? "");
  let variant;
  try {
    variant = m ? getVariantOrThrow(decode(m[1]!)) : undefined;
  } catch (e) {
    if (!isAppError(e) || e.code !== "not_found") throw e;
  }
  if (!variant) return <VariantNotFoundPanel />;
  const setName = listRuns({ variant: variant.name, status: "scored", limit: 1 }).runs[0]?.promptSet.name;
  const set = setName ? getPromptSetOrThrow(setName) : undefined;
  return (
    <NotFoundPanel
      title="Prompt not found"
      message={
        set
          ? `Variant ${variant.name} is here, but prompt set ${set.name} v${set.version}, the one its scored runs are on, has no prompt “${decode(m![2]!)}” (prompts are named by their key).`
          : `Variant ${variant.name} is here, but it has no scored runs yet, so it has no prompts to show.`
      }
      linksHeading={set ? `Prompts of ${set.name} v${set.version}` : "Prompts"}
      links={(set?.prompts ?? []).map((p) => ({
        href: `/variants/${variant.id}/prompts/${encodeURIComponent(p.promptKey)}?promptSet=${encodeURIComponent(set!.name)}`,
        label: p.text,
        note: p.promptKey,
      }))}
    />
  );
}
