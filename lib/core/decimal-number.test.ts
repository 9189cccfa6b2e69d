import { describe, expect, it } from "vitest";
import { decimalNumber } from "./decimal-number";
import { runUploadFieldsSchema } from "../http/schemas";
import { validationError } from "./errors";

describe("decimalNumber", () => {
  const scale = decimalNumber((n) => n.min(0).max(1000));

  it("reads numbers sent as text, and numbers", () => {
    expect(scale.parse("7.5")).toBe(7.5);
    expect(scale.parse(" 3 ")).toBe(3);
    expect(scale.parse(4)).toBe(4);
  });

  it("answers a decimal comma with the dotted number to send instead", () => {
    expect(scale.safeParse("7,5").error?.issues[0]?.message).toBe("use a dot as the decimal separator: 7.5, not 7,5");
  });

  it("says what it got for other text, and keeps the range checks", () => {
    expect(scale.safeParse("lots").error?.issues[0]?.message).toBe('expected a number such as 3 or 7.5, got "lots"');
    expect(scale.safeParse("").error?.issues[0]?.message).toMatch(/expected a number/);
    expect(scale.safeParse("-1").success).toBe(false);
  });

  it("takes plain decimals only: hex, binary, octal and Infinity are refused, exponents and bare dots are read", () => {
    for (const t of ["0x10", "0b11", "0o7", "Infinity", "1e400", "1_000"])
      expect(scale.safeParse(t).error?.issues[0]?.message, t).toMatch(/expected a number/);
    expect(scale.parse("1e2")).toBe(100);
    expect(scale.parse(".5")).toBe(0.5);
    expect(scale.parse("+7.")).toBe(7);
    const steps = decimalNumber((n) => n.int().min(1));
    expect(steps.safeParse("0x20").success).toBe(false);
    expect(steps.safeParse("2.5").success).toBe(false);
    expect(steps.parse("20")).toBe(20);
  });
});

describe("the upload's error messages", () => {
  const message = (fields: Record<string, string>) =>
    validationError(runUploadFieldsSchema.safeParse(fields).error!, "upload").message;

  it("name the public field and the fix", () => {
    expect(message({ variant: "sd15", guidanceScale: "7,5" })).toBe(
      "invalid upload: guidanceScale: use a dot as the decimal separator: 7.5, not 7,5",
    );
    expect(message({ variant: "sd15", guidanceScale: "3", conditioningType: "text" })).toMatch(
      /^invalid upload: conditioningType: .*text_sequence/,
    );
  });
});
