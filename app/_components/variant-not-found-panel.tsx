// The 404 body for an unknown variant: lists the variants that exist (/variants/{id} and its subpages).
import { NotFoundPanel } from "./not-found-panel";
import { listVariants } from "@/lib/variants/list-variants";

export function VariantNotFoundPanel() {
  const variants = listVariants();
  return (
    <NotFoundPanel
      title="Variant not found"
      message="No variant has the name or id in this address (names are case-sensitive). A variant exists once a run of it is uploaded or it is registered with POST /api/v1/variants."
      linksHeading="Variants"
      links={variants.map((v) => ({
        href: `/variants/${v.id}`,
        label: v.name,
        note: `${v.scoredRunCount} scored run${v.scoredRunCount === 1 ? "" : "s"}${v.isDemo ? ", demo" : ""}`,
      }))}
    />
  );
}
