import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "./csv";

describe("toCsv", () => {
  it("quotes commas, quotes and line breaks, and leaves null empty", () => {
    expect(toCsv([{ a: 'say "hi", then go', b: null, c: 1.5 }])).toBe('a,b,c\n"say ""hi"", then go",,1.5\n');
  });

  it("defuses text that a spreadsheet would run as a formula, but not numbers", () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell(-0.25)).toBe("-0.25");
    expect(csvCell("a red circle")).toBe("a red circle");
  });
});
