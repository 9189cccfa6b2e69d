import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { EvaluatorBanner } from "./_components/evaluator-banner";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "t2i-eval — diversity vs fidelity of text-to-image conditioning", template: "%s · t2i-eval" },
  description:
    "CLIP-score fidelity and pairwise diversity for text-to-image samples, ranked per conditioning variant at matched diversity.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

const NAV = [
  { href: "/", label: "Leaderboard" },
  { href: "/upload", label: "Upload" },
  { href: "/compare", label: "Compare" },
  { href: "/reference-sets", label: "References" },
  { href: "/evaluators", label: "Evaluators" },
  { href: "/about/ranking", label: "About the ranking" },
  { href: "/docs/api", label: "API" },
];

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow"
        >
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white">
          <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-5 gap-y-2 px-4 py-3">
            <Link href="/" className="mr-3 text-lg font-semibold tracking-tight text-slate-900">
              t2i-eval
            </Link>
            {NAV.map((n) => (
              <Link
                key={n.href}
                href={n.href}
                className="rounded text-sm text-slate-600 hover:text-slate-900 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500"
              >
                {n.label}
              </Link>
            ))}
          </nav>
        </header>
        <EvaluatorBanner />
        <main id="main" className="mx-auto max-w-6xl px-4 py-6">
          {children}
        </main>
        <footer className="mx-auto max-w-6xl px-4 pb-8 text-xs text-slate-500">
          CLIPScore: torchmetrics convention (100·cos, mean clamped at 0). Diversity: 1 − mean pairwise cosine within a
          prompt. Every number names its evaluator.
        </footer>
      </body>
    </html>
  );
}
