// The README's two first-hour commands and CI must not drift apart (a green CI once hid a broken
// `npm ci`). These checks read the files as a newcomer and CI would.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const ciRun = readFileSync(new URL("../.ci/run", import.meta.url), "utf8");
const npmrc = readFileSync(new URL("../.npmrc", import.meta.url), "utf8");

/** The commands of the README's first bash block, comments and blank lines dropped. */
function readmeCommands(): string[] {
  const block = /```bash\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error("README has no ```bash block");
  return block[1]
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

/** .ci/run's executable lines: no comments, no shell options, no `cd` to the checkout. */
function ciCommands(): string[] {
  return ciRun
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && !l.startsWith("set ") && !l.startsWith('cd "$(dirname'));
}

describe("README commands and .ci/run", () => {
  it("the README opens with exactly two commands: start and test", () => {
    const [start, test, ...rest] = readmeCommands();
    expect(rest).toEqual([]);
    expect(start).toBe("npm ci && npm start");
    expect(test).toMatch(/npm ci && npm test$/);
  });

  it(".ci/run runs the README's test command as written, and nothing else", () => {
    expect(ciCommands()).toEqual([readmeCommands()[1]]);
  });

  it(".ci/run sets no variable a newcomer would not have", () => {
    expect(ciRun).not.toMatch(/^\s*export\s/m);
    expect(ciRun).not.toMatch(/^\s*[A-Z_][A-Z0-9_]*=\S/m);
  });

  it("the project .npmrc keeps onnxruntime-node's install from downloading CUDA binaries", () => {
    expect(npmrc).toMatch(/^onnxruntime-node-install=skip$/m);
  });
});
