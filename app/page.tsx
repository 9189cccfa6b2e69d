export default function Home() {
  return (
    <main className="mx-auto max-w-3xl p-6">
      <h1 className="text-2xl font-semibold">t2i-eval</h1>
      <p className="mt-2 text-slate-600">
        CLIP-score fidelity and pairwise diversity for text-to-image samples. Score a batch from the command line
        with <code className="rounded bg-slate-100 px-1">npm run score -- --manifest FILE</code>; see the README.
      </p>
    </main>
  );
}
