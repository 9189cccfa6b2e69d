import { describe, expect, it } from "vitest";
import { progressPrinter } from "./progress-lines";

describe("progressPrinter", () => {
  it("writes whole lines, one per status change or tenth of the work, when the stream is not a terminal", () => {
    const out: string[] = [];
    const p = progressPrinter(false, (s) => out.push(s));
    p.update("queued", 0, 100);
    p.update("queued", 0, 100);
    p.update("scoring", 3, 100);
    p.update("scoring", 8, 100);
    p.update("scoring", 12, 100);
    p.update("scored", 100, 100);
    p.end();
    expect(out.join("")).toBe("queued   0/100\nscoring  3/100\nscoring  12/100\nscored   100/100\n");
    expect(out.join("")).not.toContain("\r");
  });

  it("redraws one line in place on a terminal", () => {
    const out: string[] = [];
    const p = progressPrinter(true, (s) => out.push(s));
    p.update("scoring", 1, 2);
    p.update("scored", 2, 2);
    p.end();
    expect(out).toEqual(["\rscoring  1/2", "\rscored   2/2", "\n"]);
  });
});
