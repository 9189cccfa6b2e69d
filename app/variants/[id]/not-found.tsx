// 404 for /variants/{unknown}: lists the variants that exist.
import type { Metadata } from "next";
import { connection } from "next/server";
import { VariantNotFoundPanel } from "@/app/_components/variant-not-found-panel";

export const metadata: Metadata = { title: "Variant not found" };

export default async function VariantNotFound() {
  await connection();
  return <VariantNotFoundPanel />;
}
