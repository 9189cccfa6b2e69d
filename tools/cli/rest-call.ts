// What the lifecycle subcommands of `npm run runs` share: the --server/--key options and one REST
// call that turns the service's error body into a message and exit code. They talk to the REST
// API (never the database) so that the owner rules hold for them.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { clientSettings } from "./runs/api-client";

export const CONNECTION_HELP = `Connection (every subcommand):
  --server URL   default http://localhost:3000 (or T2I_SERVER)
  --key KEY      API key (default: T2I_API_KEY). Submitter keys may change only what they
                 created; admin keys anything (npm run apikey -- create --name NAME [--role …])`;

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with --server, --key and --help added; throws UsageError on unknown flags. */
export function parseSubcommand<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({
      args: argv,
      options: {
        ...options,
        server: { type: "string" },
        key: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export type ApiAnswer = { status: number; body: unknown };

export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One call to the service with the API key; throws ApiRefusal for a non-2xx answer, UsageError when unreachable or keyless. */
export async function callApi(
  values: { server?: string; key?: string },
  method: string,
  path: string,
  json?: unknown,
): Promise<unknown> {
  const { server, key } = clientSettings(values);
  if (!key)
    throw new UsageError(
      "an API key is needed: --key or T2I_API_KEY (create one with npm run apikey -- create --name NAME)",
    );
  let res: Response;
  try {
    res = await fetch(`${server}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(json !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: json !== undefined ? JSON.stringify(json) : undefined,
    });
  } catch (e) {
    throw new UsageError(`could not reach ${server}: ${(e as Error).message}; is the service running (npm start)?`);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the message
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } }).error;
    throw new ApiRefusal(res.status, `${res.status} ${err?.code ?? ""}: ${err?.message ?? String(text).slice(0, 500)}`);
  }
  return body;
}

/** Runs a subcommand body, mapping errors to exit codes and printing them to stderr. */
export async function exitCodeOf(body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return 0;
  } catch (e) {
    if (e instanceof ApiRefusal) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

export const enc = encodeURIComponent;
