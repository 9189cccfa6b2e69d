import type { Metadata } from "next";
import { rankingMethodDoc } from "@/lib/ranking";

export const metadata: Metadata = { title: "About the ranking" };

// Rendered from lib/ranking/method-doc.ts, which is built from the constants the ranking runs with.
export default function AboutRankingPage() {
  const doc = rankingMethodDoc;
  return (
    <article className="max-w-3xl">
      <h1 className="text-2xl font-semibold">{doc.title}</h1>
      <nav aria-label="Sections" className="mt-3 text-sm">
        <ul className="list-disc pl-5">
          {doc.sections.map((s) => (
            <li key={s.id}>
              <a href={`#${s.id}`} className="underline">
                {s.heading}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {doc.sections.map((s) => (
        <section key={s.id} id={s.id} className="mt-6">
          <h2 className="text-lg font-semibold">{s.heading}</h2>
          {s.paragraphs.map((p, i) => (
            <p key={i} className="mt-2 text-sm leading-relaxed">
              {p}
            </p>
          ))}
        </section>
      ))}
    </article>
  );
}
