// A number field sent as text (multipart forms, query strings). A decimal comma such as
// "7,5" is refused with the fix ("use a dot: 7.5") instead of zod's "expected number,
// received NaN"; other text that is not a plain decimal number (hex, binary, "Infinity") says
// what was received.
import { z } from "zod";

const DECIMAL_COMMA = /^\s*[+-]?\d*,\d+\s*$/;
/** A plain decimal literal ("3", "-0.5", ".5", "7.", "1e3"): Number() alone would also take "0x10", "0b11", "0o7" and "Infinity". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * `z.coerce.number().finite()` refined by `refine` (e.g. `(n) => n.min(0).max(1000)`), with
 * messages in the sender's terms for text that is not a number.
 */
export function decimalNumber<T extends z.ZodType<number, number>>(
  refine: (n: z.ZodNumber) => T = (n) => n as unknown as T,
) {
  return z.preprocess((v, ctx) => {
    if (typeof v !== "string") return v;
    const t = v.trim();
    if (DECIMAL_COMMA.test(t)) {
      ctx.issues.push({
        code: "custom",
        input: v,
        message: `use a dot as the decimal separator: ${t.replace(",", ".")}, not ${t}`,
      });
      return z.NEVER;
    }
    if (!DECIMAL.test(t) || !Number.isFinite(Number(t))) {
      ctx.issues.push({
        code: "custom",
        input: v,
        message: `expected a number such as 3 or 7.5, got "${t.slice(0, 40)}"`,
      });
      return z.NEVER;
    }
    return Number(t);
  }, refine(z.number()));
}
