// The one "remove a stored file unless an images row has its hash" check, taken under the write lock.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { images } from "../../db/schema";
import { storedFiles } from "../../tools/test-support/runs";
import { hasFile, placeFileSync } from "./content-store";
import { removeFilesWithoutImageRow, sweepFilesWithoutImageRow } from "./remove-files-without-image-row";
import { dataDirPerTest } from "../../tools/test-support/setup";

const data = dataDirPerTest();

const sha = (i: number) => i.toString(16).padStart(64, "0");

/** Stores a file under hash `sha(i)` (its bytes do not matter here). */
function store(i: number): { sha256: string; format: "png" } {
  const src = path.join(data.dir, `src-${i}`);
  fs.writeFileSync(src, `file ${i}`);
  placeFileSync(src, sha(i), "png");
  return { sha256: sha(i), format: "png" };
}

const addRow = (i: number) =>
  getDb()
    .insert(images)
    .values({ sha256: sha(i), bytes: 1, format: "png", width: 1, height: 1 })
    .run();

describe("removeFilesWithoutImageRow", () => {
  it("removes the files no images row has, keeps the others, and counts only files that were there", () => {
    const [a, b] = [store(1), store(2)];
    addRow(2);
    const missing = { sha256: sha(3), format: "png" as const };
    expect(removeFilesWithoutImageRow([a, b, missing])).toBe(1);
    expect(hasFile(a.sha256, "png")).toBe(false);
    expect(hasFile(b.sha256, "png")).toBe(true);
    expect(storedFiles(data.dir)).toHaveLength(1);
    expect(removeFilesWithoutImageRow([])).toBe(0);
  });

  it("checks every chunk of 500 against the rows, and decides under the write lock", () => {
    const files = Array.from({ length: 1203 }, (_, i) => ({ sha256: sha(i + 1) }));
    for (const i of [5, 700, 1203]) addRow(i);
    const inLock: boolean[] = [];
    const removed = sweepFilesWithoutImageRow(
      files,
      () => true,
      (_f, hasRow) => {
        inLock.push(getDb().$client.inTransaction);
        return hasRow;
      },
    );
    expect(removed).toHaveLength(1200);
    expect(removed.map((f) => f.sha256)).not.toEqual(expect.arrayContaining([sha(5), sha(700), sha(1203)]));
    expect(inLock).toHaveLength(1203);
    expect(inLock.every(Boolean)).toBe(true);
  });

  it("lets the caller keep files without a row, and counts only what its remove reports", () => {
    const files = [1, 2, 3, 4].map((i) => ({ sha256: sha(i), tag: i }));
    addRow(4);
    const removed = sweepFilesWithoutImageRow(
      files,
      (f) => f.tag !== 2, // "file 2 was already gone"
      (f, hasRow) => f.tag === 1 || hasRow,
    );
    expect(removed.map((f) => f.tag)).toEqual([3]);
  });
});
