// The REST side of `npm run runs`: POSTs to the service with an API key, like `npm run upload`.
import { config } from "../../../lib/core/config";

export type ApiAnswer = {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } };
};

/** Thrown when the service cannot be reached (exit code 2 in the commands). */
export class UnreachableError extends Error {}

export function clientSettings(values: { server?: string; key?: string }): { server: string; key: string | undefined } {
  return { server: (values.server ?? config().serverUrl).replace(/\/+$/, ""), key: values.key ?? config().apiKey };
}

/** POST `path` (no body) with `Authorization: Bearer key`; the answer's status and JSON body. */
export async function postNoBody(server: string, key: string, path: string): Promise<ApiAnswer> {
  let res: Response;
  try {
    res = await fetch(`${server}${path}`, { method: "POST", headers: { Authorization: `Bearer ${key}` } });
  } catch (e) {
    throw new UnreachableError(
      `could not reach ${server}: ${(e as Error).message}; is the service running (npm start)?`,
    );
  }
  return { status: res.status, body: (await res.json().catch(() => ({}))) as ApiAnswer["body"] };
}

/** `409 conflict: run … is scored; …` for an error answer. */
export function describeError(a: ApiAnswer): string {
  return `${a.status} ${a.body.error?.code ?? "error"}: ${a.body.error?.message ?? JSON.stringify(a.body)}`;
}

/**
 * POSTs `pathOf(id)` for each id and prints one line per answer: `ok(id, answer)` for a 2xx
 * (stdout), the error otherwise (stderr). Returns the exit code: 0 all 2xx, 1 one was refused,
 * 2 the service is unreachable or there is no key.
 */
export async function postEach(
  ids: string[],
  values: { server?: string; key?: string },
  pathOf: (id: string) => string,
  ok: (id: string, a: ApiAnswer, server: string) => string,
): Promise<number> {
  const { server, key } = clientSettings(values);
  if (!key) {
    process.stderr.write(
      "error: needs an API key: --key KEY or T2I_API_KEY (make one with npm run apikey -- create --name NAME)\n",
    );
    return 2;
  }
  let code = 0;
  try {
    for (const id of ids) {
      const a = await postNoBody(server, key, pathOf(id));
      if (a.status >= 200 && a.status < 300) process.stdout.write(`${ok(id, a, server)}\n`);
      else {
        process.stderr.write(`${id}: ${describeError(a)}\n`);
        code = 1;
      }
    }
  } catch (e) {
    if (!(e instanceof UnreachableError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    return 2;
  }
  return code;
}
