// The REST side of `npm run runs`: POSTs to the service with an API key, like `npm run upload`.
import { config } from "../../config";

export type ApiAnswer = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } } };

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
    throw new UnreachableError(`could not reach ${server}: ${(e as Error).message}; is the service running (npm start)?`);
  }
  return { status: res.status, body: (await res.json().catch(() => ({}))) as ApiAnswer["body"] };
}

/** `409 conflict: run … is scored; …` for an error answer. */
export function describeError(a: ApiAnswer): string {
  return `${a.status} ${a.body.error?.code ?? "error"}: ${a.body.error?.message ?? JSON.stringify(a.body)}`;
}
