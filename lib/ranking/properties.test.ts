// The ranking's properties against the shipped rules (v3): the level does not depend on the
// variants on the board, no reward for more runs, dominance, no chaining. The error rates are in
// calibration-*.test.ts and replicates.test.ts; the figures are printed so they can be quoted.
import { V3_RULES } from "./rules";
import { propertySuite } from "../../tools/test-support/ranking-properties";

propertySuite(V3_RULES, (line) => console.log(line));
