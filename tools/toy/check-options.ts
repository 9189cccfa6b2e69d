// Shared by the toy-world scripts: validate parsed command-line values with a zod schema.
import type { z } from "zod";

/** The parsed options, or null after printing each bad option and the help to stderr (exit 2). */
export function checkOptions<S extends z.ZodType>(schema: S, values: unknown, help: string): z.infer<S> | null {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  process.stderr.write(
    `${parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n")}\n\n${help}`,
  );
  return null;
}
