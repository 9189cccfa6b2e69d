// Command-line parsing for every script in scripts/: node's parseArgs, except that a typo
// (an unknown option, a missing value, a stray positional) prints what was wrong and the
// script's usage text and exits 2, instead of a TypeError with a stack trace.
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { z } from "zod";

/** True for the errors node's parseArgs throws on bad input (codes ERR_PARSE_ARGS_*). */
export function isParseArgsError(e: unknown): e is Error {
  return e instanceof Error && String((e as { code?: unknown }).code ?? "").startsWith("ERR_PARSE_ARGS");
}

/** The text a typo prints: `<script>: <what was wrong>`, a blank line, then the usage. */
export function usageErrorText(script: string, message: string, usage: string): string {
  return `${script}: ${message}\n\n${usage.endsWith("\n") ? usage : `${usage}\n`}`;
}

/**
 * parseArgs(config) with `strict: true` by default. On bad input writes
 * {@link usageErrorText} to stderr and exits with code 2 (the scripts' "bad arguments" code);
 * `exit` is injectable for tests. Other errors are rethrown.
 */
export function parseCliArgs<T extends ParseArgsConfig>(
  config: T,
  meta: { script: string; usage: string; exit?: (code: number) => never },
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>({ strict: true, ...config });
  } catch (e) {
    if (!isParseArgsError(e)) throw e;
    process.stderr.write(usageErrorText(meta.script, e.message, meta.usage));
    return (meta.exit ?? ((code: number) => process.exit(code)))(2);
  }
}

/**
 * Checks the values a client script is about to send with the server's own schema, before any
 * file is read or any request made: a bad value prints {@link usageErrorText} naming the option
 * (`options` maps a field to its `--flag`) and exits 2. Returns the parsed fields.
 */
export function checkCliFields<T>(
  schema: z.ZodType<T>,
  fields: Record<string, unknown>,
  meta: { script: string; usage: string; options?: Record<string, string>; exit?: (code: number) => never },
): T {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const r = schema.safeParse(defined);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = String(issue.path[0] ?? "");
  const option = meta.options?.[field] ?? (field ? `--${field}` : "");
  process.stderr.write(usageErrorText(meta.script, `${option ? `${option}: ` : ""}${issue.message}`, meta.usage));
  return (meta.exit ?? ((code: number) => process.exit(code)))(2);
}
