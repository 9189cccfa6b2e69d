// The README's two first-hour commands and CI must not drift apart (a green CI once hid a broken
// `npm ci`). These checks read the files as a newcomer and CI would.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const ciRun = readFileSync(new URL("../.ci/run", import.meta.url), "utf8");
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  scripts: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};
const npmrcUrl = new URL("../.npmrc", import.meta.url);

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

  // npm 11 warns on every command about unknown project .npmrc keys ("will stop working in the next
  // major version"), and npm 12 will no longer pass them to install scripts: the skip must come
  // from npm's own install-script policy (package.json#allowScripts), which npm 11 already obeys.
  it("onnxruntime-node's CUDA download is denied by package.json's allowScripts, not by an .npmrc key", () => {
    expect(pkg.allowScripts?.["onnxruntime-node"]).toBe(false);
    if (existsSync(npmrcUrl)) expect(readFileSync(npmrcUrl, "utf8")).not.toMatch(/onnxruntime/);
  });

  it("every dependency's install script is approved or denied, so npm ci prints no policy notice", () => {
    const out = execFileSync("npm", ["install-scripts", "ls", "--json"], {
      cwd: new URL("..", import.meta.url),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(JSON.parse(out)).toEqual({ allowScripts: [] });
  });

  it("the GPU opt-in is one script that runs onnxruntime-node's installer for CUDA 12, named where users read", () => {
    expect(pkg.scripts["install-cuda"]).toBe(
      "node node_modules/onnxruntime-node/script/install.js --onnxruntime-node-install=cuda12",
    );
    expect(readFileSync(new URL("../docs/guides/generate-on-gpus.md", import.meta.url), "utf8")).toContain(
      "npm run install-cuda",
    );
    expect(readFileSync(new URL("../lib/core/execution-provider.ts", import.meta.url), "utf8")).toContain(
      "npm run install-cuda",
    );
    // `npm rebuild onnxruntime-node` obeys the denial and silently does nothing.
    for (const doc of [readme, readFileSync(new URL("../docs/guides/generate-on-gpus.md", import.meta.url), "utf8")])
      expect(doc).not.toMatch(/npm rebuild onnxruntime-node --onnxruntime/);
  });
});
