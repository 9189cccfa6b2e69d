import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "t2i-eval: diversity–fidelity of text-to-image conditioning",
  description: "CLIP-score fidelity and pairwise diversity for text-to-image samples, ranked per conditioning variant.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-white text-slate-900 antialiased">{children}</body>
    </html>
  );
}
