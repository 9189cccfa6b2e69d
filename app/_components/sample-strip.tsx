// A row of sample thumbnails; each names its CLIP score, seed and file on hover and opens the
// full image. Shared by the prompt view and the variant grid.
import type { PromptSample } from "@/lib/samples/list-prompt-samples";

export function SampleStrip({
  samples,
  prompt,
  testId = "sample-strip",
}: {
  samples: PromptSample[];
  prompt: string;
  testId?: string;
}) {
  if (samples.length === 0) return <p className="text-xs text-slate-500">no samples of this prompt in this run</p>;
  return (
    <ul className="grid grid-cols-4 gap-1.5 sm:grid-cols-6 md:grid-cols-8" data-testid={testId}>
      {samples.map((s) => {
        const hover = `${s.clipScore !== null ? `CLIP score ${s.clipScore.toFixed(2)}` : "not scored"}${s.seed !== null ? ` · seed ${s.seed}` : ""} · ${s.fileName}`;
        return (
          <li
            key={`${s.sha256}-${s.sampleIndex}`}
            className="group relative overflow-hidden rounded border border-slate-200 bg-white"
          >
            <a href={`/api/v1/images/${s.sha256}`} title={hover}>
              {/* eslint-disable-next-line @next/next/no-img-element -- thumbnails are made and cached by our own route */}
              <img
                src={`/api/v1/images/${s.sha256}/thumb?size=160`}
                alt={`sample ${s.sampleIndex + 1} for “${prompt}”, ${hover}`}
                loading="lazy"
                className="aspect-square w-full object-cover"
              />
              {s.clipScore !== null && (
                <span
                  className="absolute bottom-0 right-0 hidden rounded-tl bg-slate-900/80 px-1 text-[10px] text-white group-hover:block group-focus-within:block"
                  data-testid="sample-clip-score"
                >
                  {s.clipScore.toFixed(1)}
                </span>
              )}
            </a>
          </li>
        );
      })}
    </ul>
  );
}
