// Every npm script's usage names the command a user types (`npm run fixture:model -- …`, not a
// path to the file), so what --help prints can be pasted as it is.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };

/** The script file's text and that of the files it imports by relative path, two levels deep (its usage may live there). */
function sources(file: string, depth = 2): string {
  const src = fs.readFileSync(file, "utf8");
  if (depth === 0) return src;
  const imported = [...src.matchAll(/from\s+"(\.[^"]+)"/g)].flatMap((m) => {
    const base = path.join(path.dirname(file), m[1]!);
    const found = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
    return found ? [sources(found, depth - 1)] : [];
  });
  return [src, ...imported].join("\n");
}

describe("npm scripts' usage lines", () => {
  const scripts = Object.entries(pkg.scripts).flatMap(([name, cmd]) => {
    const m = /\btsx (scripts\/\S+\.ts)/.exec(cmd);
    return m ? [[name, m[1]!] as const] : [];
  });

  it.each(scripts)("%s's usage starts with the npm command", (name, file) => {
    const want = name === "start" ? "npm start" : `npm run ${name}`;
    const usages = [...sources(file).matchAll(/Usage: ([^\n`]*)/g)].map((m) => m[1]!);
    expect(usages.length, `${file} has no usage line`).toBeGreaterThan(0);
    expect(
      usages.some((u) => u.startsWith(want)),
      `${file}: ${usages.join(" | ")}`,
    ).toBe(true);
  });
});
