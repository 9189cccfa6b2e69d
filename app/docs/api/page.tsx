import type { Metadata } from "next";
import { openApiDocument } from "@/lib/http/openapi";

export const metadata: Metadata = { title: "API reference" };

type Schema = {
  $ref?: string;
  anyOf?: Schema[];
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  format?: string;
  minimum?: number;
  maximum?: number;
};
type Param = { name: string; in: string; required?: boolean; schema?: Schema; description?: string };
type Op = {
  summary?: string;
  description?: string;
  security?: Record<string, unknown>[];
  parameters?: Param[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string }>;
};

function typeOf(s: Schema | undefined): string {
  if (!s) return "";
  if (s.anyOf) return s.anyOf.map(typeOf).join(" | ");
  if (s.enum) return s.enum.map(String).join(" | ");
  const t = Array.isArray(s.type) ? s.type.filter((x) => x !== "null").join("|") : (s.type ?? "");
  if (t === "array") return `${typeOf(s.items)}[]`;
  return s.format === "binary" ? "file" : t;
}

function Fields({ schema }: { schema: Schema }) {
  const props = Object.entries(schema.properties ?? {});
  if (!props.length) return null;
  return (
    <div className="overflow-x-auto">
      <table className="mt-1 w-full text-left text-xs">
        <tbody>
          {props.map(([name, s]) => (
            <tr key={name} className="border-t border-slate-100 align-top">
              <td className="break-all py-1 pr-3 font-mono">
                {name}
                {schema.required?.includes(name) ? <span className="text-rose-600">*</span> : null}
              </td>
              <td className="py-1 pr-3 font-mono text-slate-600">{typeOf(s)}</td>
              <td className="min-w-[12rem] py-1">{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// Rendered from the same OpenAPI document /api/v1/openapi.json serves (no external viewer needed).
export default function ApiDocsPage() {
  const doc = openApiDocument() as unknown as {
    info: { title: string; description?: string };
    paths: Record<string, Record<string, Op>>;
    components?: { schemas?: Record<string, Schema> };
  };
  // Named request schemas (zod .meta({ id })) are emitted as $refs into components.
  const resolve = (s: Schema): Schema =>
    s.$ref ? (doc.components?.schemas?.[s.$ref.replace("#/components/schemas/", "")] ?? s) : s;
  return (
    <article className="max-w-4xl break-words">
      <h1 className="text-2xl font-semibold">{doc.info.title}</h1>
      <p className="mt-2 text-sm">{doc.info.description}</p>
      <p className="mt-2 text-sm">
        Machine-readable:{" "}
        <a className="underline" href="/api/v1/openapi.json">
          /api/v1/openapi.json
        </a>{" "}
        (OpenAPI 3.1). Writes need <code>Authorization: Bearer &lt;key&gt;</code>; create a key with{" "}
        <code>npm run apikey -- create --name NAME</code>. GPU workers use a worker token instead (
        <code>npm run worker-token -- create --name NAME</code>; protocol in docs/reference/worker-protocol.md).
      </p>
      {Object.entries(doc.paths).map(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => (
          <section
            key={`${method} ${path}`}
            id={`${method}-${path}`}
            className="mt-6 min-w-0 rounded border border-slate-200 bg-white p-3 sm:p-4"
            data-testid="api-op"
          >
            <h2 className="break-all font-mono text-sm">
              <span className="mr-2 rounded bg-slate-800 px-1.5 py-0.5 text-xs uppercase text-white">{method}</span>
              {path}
              {op.security?.length ? (
                <span className="ml-2 text-xs text-amber-700">
                  {op.security.some((s) => "workerToken" in s) ? "worker token" : "API key"}
                </span>
              ) : null}
            </h2>
            <p className="mt-1 font-medium">{op.summary}</p>
            {op.description && <p className="mt-1 text-sm text-slate-700">{op.description}</p>}
            {op.parameters?.length ? (
              <>
                <h3 className="mt-2 text-xs font-semibold uppercase text-slate-500">Parameters</h3>
                <Fields
                  schema={{
                    properties: Object.fromEntries(
                      op.parameters.map((p) => [
                        `${p.name} (${p.in})`,
                        { ...p.schema, description: p.description ?? p.schema?.description },
                      ]),
                    ),
                    required: op.parameters.filter((p) => p.required).map((p) => `${p.name} (${p.in})`),
                  }}
                />
              </>
            ) : null}
            {op.requestBody &&
              Object.entries(op.requestBody.content).map(([type, { schema }]) => (
                <div key={type}>
                  <h3 className="mt-2 text-xs font-semibold uppercase text-slate-500">Body: {type}</h3>
                  <Fields schema={resolve(schema)} />
                </div>
              ))}
            <h3 className="mt-2 text-xs font-semibold uppercase text-slate-500">Responses</h3>
            <ul className="text-xs">
              {Object.entries(op.responses).map(([code, r]) => (
                <li key={code}>
                  <span className="font-mono">{code}</span> {r.description}
                </li>
              ))}
            </ul>
          </section>
        )),
      )}
    </article>
  );
}
