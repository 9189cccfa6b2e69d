import { describe, expect, it } from "vitest";
import { isIgnoredEntry, isManifestCandidate, normaliseEntryName } from "./entry-name";
import { locateManifest } from "./read-archive";

describe("normaliseEntryName", () => {
  it.each([
    ["a.png", "a.png"],
    ["./imgs//a.png", "imgs/a.png"],
    ["imgs\\sub\\a.png", "imgs/sub/a.png"],
    ["dir/", "dir"],
    ["..a.png", "..a.png"],
    ["cafe\u0301.png", "caf\u00e9.png"],
  ])("keeps %s as %s", (raw, name) => {
    expect(normaliseEntryName(raw)).toEqual({ ok: true, name });
  });

  it.each([
    ["../x.png", "path goes up a folder (..)"],
    ["a/../../x.png", "path goes up a folder (..)"],
    ["a\\..\\..\\x.png", "path goes up a folder (..)"],
    ["/etc/passwd", "absolute path"],
    ["\\\\server\\share\\x.png", "absolute path"],
    ["C:\\x.png", "absolute path (drive letter)"],
    ["c:x.png", "absolute path (drive letter)"],
    ["a\u0000.png", "name holds control characters"],
    ["./", "empty name"],
  ])("refuses %s", (raw, reason) => {
    expect(normaliseEntryName(raw)).toEqual({ ok: false, reason });
  });
});

describe("archive layout rules", () => {
  it("ignores macOS metadata and dotfiles only", () => {
    expect(["__MACOSX/._a.png", ".DS_Store", "x/.git/config", "x/._a.png"].every(isIgnoredEntry)).toBe(true);
    expect(["a.png", "x/a.png", "a.b.png"].some(isIgnoredEntry)).toBe(false);
  });

  it("finds the manifest at the root or in one top folder", () => {
    expect(isManifestCandidate("top/manifest.csv")).toBe(true);
    expect(isManifestCandidate("a/b/manifest.csv")).toBe(false);
    expect(locateManifest(["a.png", "manifest.jsonl", "sub/manifest.csv"])).toEqual({
      entry: "manifest.jsonl",
      root: "",
    });
    expect(locateManifest(["readme.txt", "top/manifest.csv", "top/a.png"])).toEqual({
      entry: "top/manifest.csv",
      root: "top/",
    });
    expect(() => locateManifest(["manifest.jsonl", "manifest.csv"])).toThrow(/more than one manifest/);
    expect(() => locateManifest(["a/b/manifest.jsonl"])).toThrow(/no manifest.jsonl or manifest.csv/);
    expect(() => locateManifest([])).toThrow(/empty/);
  });
});
