// The documentation a newcomer walks: every page of docs/ is linked from docs/README.md, and every
// relative link of the README and docs/ lands on a file that exists and, for a link to a
// heading, on a heading that exists (GitHub's anchors).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const pages = execFileSync("git", ["ls-files", "-c", "-o", "--exclude-standard", "README.md", "docs"], {
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => f.endsWith(".md") && fs.existsSync(f));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(file: string): Set<string> {
  const text = fs.readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

/** Relative links of a markdown file (code blocks and code spans left out): [target, anchor]. */
function links(file: string): { target: string; anchor: string | undefined }[] {
  const text = fs
    .readFileSync(file, "utf8")
    .replace(/```[\s\S]*?```/g, "")
    .replace(/`[^`\n]*`/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z]+:/i.test(href))
    .map((href) => {
      const [p, anchor] = href.split("#");
      return { target: p ? path.posix.normalize(path.posix.join(path.posix.dirname(file), p)) : file, anchor };
    });
}

describe("the documentation", () => {
  it("has pages to check", () => {
    expect(pages).toContain("docs/README.md");
    expect(pages.length).toBeGreaterThan(20);
  });

  it("links every page of docs/ from docs/README.md", () => {
    const linked = new Set(links("docs/README.md").map((l) => l.target));
    expect(pages.filter((p) => p.startsWith("docs/") && p !== "docs/README.md" && !linked.has(p))).toEqual([]);
  });

  it("has no broken relative link or heading anchor", () => {
    const broken = pages.flatMap((file) =>
      links(file)
        .filter(
          (l) =>
            !fs.existsSync(l.target) ||
            (l.anchor !== undefined && l.target.endsWith(".md") && !anchors(l.target).has(l.anchor)),
        )
        .map((l) => `${file} -> ${l.target}${l.anchor ? `#${l.anchor}` : ""}`),
    );
    expect(broken).toEqual([]);
  });

  it("reads anchors as GitHub writes them", () => {
    expect(anchorOf("Does the ranking hold? The statistical checks")).toBe(
      "does-the-ranking-hold-the-statistical-checks",
    );
    expect(anchorOf("Tokenization follows openai/CLIP")).toBe("tokenization-follows-openaiclip");
    expect(anchorOf("Delete, hide, rename, audit")).toBe("delete-hide-rename-audit");
  });
});
