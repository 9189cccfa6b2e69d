// Error rates of the shipped rules (v3) at 16 prompts: seeded simulations whose bands come from
// the number of boards (tools/test-support/ranking-properties.ts). Printed so they can be quoted.
import { V3_RULES } from "./rules";
import { calibrationSuite } from "../../tools/test-support/ranking-properties";

calibrationSuite(V3_RULES, 16, (line) => console.log(line));
