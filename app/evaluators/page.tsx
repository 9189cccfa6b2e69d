import type { Metadata } from "next";
import { connection } from "next/server";
import { listEvaluators } from "@/lib/clip/list-evaluators";
import { serviceEvaluatorIdentity, serviceFeatureSpaceIdentities } from "@/lib/scoring/service-evaluator";

export const metadata: Metadata = { title: "Evaluators" };

/** The evaluator and feature spaces in use, what is installed and with which convention, and the catalogue. */
export default async function EvaluatorsPage() {
  await connection();
  const v = await listEvaluators({ evaluator: serviceEvaluatorIdentity, featureSpaces: serviceFeatureSpaceIdentities });
  return (
    <div>
      <h1 className="text-2xl font-semibold">Evaluators</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Papers use different evaluators, so a number is comparable only with numbers of the same evaluator and
        convention. Every score on this server names its evaluator; distribution metrics also name their feature space.
      </p>

      <section aria-labelledby="in-use" className="mt-6">
        <h2 id="in-use" className="text-lg font-semibold">
          In use on this server
        </h2>
        <ul className="mt-2 text-sm" data-testid="evaluators-in-use">
          {v.service.evaluator && (
            <li>
              Scores with <strong>{v.service.evaluator.id}</strong> ({v.service.evaluator.variant})
              {v.service.evaluator.convention ? ` — ${v.service.evaluator.convention}` : ""}
              {v.service.evaluator.warning ? ` — ${v.service.evaluator.warning}` : ""}
            </li>
          )}
          {v.service.featureSpaces.map((s) => (
            <li key={s.id} data-testid="feature-space-in-use">
              Distribution metrics also in <strong>{s.label}</strong> features ({s.id})
              {s.convention ? ` — ${s.convention}` : ""}
              {s.warning ? ` — ${s.warning}` : ""}
            </li>
          ))}
          {v.service.problems.map((p) => (
            <li key={p} className="text-amber-800">
              {p}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="installed" className="mt-6">
        <h2 id="installed" className="text-lg font-semibold">
          Installed
        </h2>
        {v.installed.length === 0 ? (
          <p className="mt-2 text-sm">
            None: install one with <code>npm run fetch-model -- --model NAME</code>.
          </p>
        ) : (
          <table className="mt-2 w-full border-collapse bg-white text-sm" data-testid="evaluators-installed">
            <thead>
              <tr className="border-b border-slate-200 text-left">
                <th className="p-2">Folder</th>
                <th className="p-2">Model</th>
                <th className="p-2">Convention</th>
                <th className="p-2">Variant</th>
                <th className="p-2">Hashes</th>
              </tr>
            </thead>
            <tbody>
              {v.installed.map((i) => (
                <tr key={i.folder} className="border-b border-slate-100">
                  <td className="p-2">{i.folder}</td>
                  <td className="p-2">
                    {i.repo}@{i.revision.slice(0, 12)} {i.kind === "image-features" ? "(image features)" : ""}
                  </td>
                  <td className="p-2">{i.problem ?? i.convention ?? "—"}</td>
                  <td className="p-2">{i.variant}</td>
                  <td className="p-2">{i.verified ? "all published" : "some computed at download"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="catalogue" className="mt-6">
        <h2 id="catalogue" className="text-lg font-semibold">
          Catalogue
        </h2>
        <table className="mt-2 w-full border-collapse bg-white text-sm" data-testid="evaluators-catalogue">
          <thead>
            <tr className="border-b border-slate-200 text-left">
              <th className="p-2">Name</th>
              <th className="p-2">Model</th>
              <th className="p-2">Convention</th>
              <th className="p-2">Install</th>
            </tr>
          </thead>
          <tbody>
            {v.catalogue.map((c) => (
              <tr key={c.name} className="border-b border-slate-100">
                <td className="p-2">{c.name}</td>
                <td className="p-2">
                  {c.label} ({c.kind === "clip" ? "CLIP" : "image features only"})
                </td>
                <td className="p-2">{c.convention}</td>
                <td className="p-2">
                  <code className="text-xs">{c.installCommand}</code>
                  {c.note && <span className="block text-xs text-slate-500">{c.note}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
