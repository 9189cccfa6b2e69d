// Coverage with replicate models (3 trained copies per variant × 50 prompts, true between-replicate
// variance), and single-replicate boards no worse than method v2's on the same boards.
import { V3_RULES } from "./rules";
import { replicateSuite } from "../../tools/test-support/ranking-properties";

replicateSuite(V3_RULES, (line) => console.log(line));
