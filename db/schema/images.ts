import { createdAt, integer, table, text } from "./column-helpers";

/** Index of the content store: one row per distinct image file (lib/storage/content-store.ts). */
export const images = table("images", {
  sha256: text("sha256").primaryKey(),
  bytes: integer("bytes").notNull(),
  /** png | jpeg | webp | gif (sharp's names); decides the file extension on disk. */
  format: text("format").notNull(),
  width: integer("width").notNull(),
  height: integer("height").notNull(),
  createdAt: createdAt(),
});

export type ImageRow = typeof images.$inferSelect;
export type NewImageRow = typeof images.$inferInsert;
