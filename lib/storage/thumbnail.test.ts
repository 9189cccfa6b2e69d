// A thumbnail goes with its image: deleting the last run that uses an image removes its cached
// thumbnails at once, not at the next periodic clean-up.
import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRun } from "../runs/create-run";
import { deleteRun } from "../runs/delete-run";
import { createTestActors } from "../../tools/test-support/actors";
import { makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { thumbnailPathFor } from "./content-store";
import { thumbnail } from "./thumbnail";

let dir: string;
beforeEach(() => {
  dir = useTempDataDir();
});
afterEach(() => removeDataDir(dir));

describe("thumbnails", () => {
  it("are removed with their image", async () => {
    const who = createTestActors();
    const input = await makeRunInput(dir, { perPrompt: 1 });
    const { run } = await createRun(input, who.alice);
    const sha = input.items[0]!.sha256;
    await thumbnail(sha, 96);
    await thumbnail(sha, 256);
    const small = thumbnailPathFor(sha, 96);
    const large = thumbnailPathFor(sha, 256);
    expect(fs.existsSync(small) && fs.existsSync(large)).toBe(true);
    deleteRun(run.id, who.alice);
    expect(fs.existsSync(small)).toBe(false);
    expect(fs.existsSync(large)).toBe(false);
  });
});
