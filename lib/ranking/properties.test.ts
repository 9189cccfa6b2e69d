// P1–P5 and P7 of issue 10 against the shipped method (v2); P6 is in rank-variants.test.ts
// and P8 in lib/leaderboard. The figures are printed so they can be quoted.
import { rankVariants } from "./rank-variants";
import { propertySuite, type MethodUnderTest } from "../../tools/test-support/ranking-properties";

export const v2: MethodUnderTest = {
  name: "v2",
  run(variants, o) {
    const r = rankVariants(variants, o);
    const get = (id: string) => r.ranked.find((v) => v.variantId === id);
    return {
      order: r.ranked.map((v) => v.variantId),
      score: (id) => get(id)?.score ?? null,
      ci: (id) => get(id)?.ci ?? null,
      rank: (id) => get(id)?.rank ?? null,
      differs: (a, b) => r.pairs.some((p) => ((p.a === a && p.b === b) || (p.a === b && p.b === a)) && p.significant),
    };
  },
};

propertySuite(v2, (line) => console.log(line));
