// Real API keys for tests of owner rules: an admin and two submitters in the current test database.
import { createApiKey } from "../../lib/auth/api-keys";
import type { Actor } from "../../lib/auth/authorize-mutation";

export function createTestActors(): { admin: Actor; alice: Actor; bob: Actor } {
  const actor = (name: string, role: "admin" | "submitter"): Actor => {
    const k = createApiKey(name, role);
    return { id: k.id, name: k.name, role: k.role };
  };
  return { admin: actor("test-admin", "admin"), alice: actor("alice", "submitter"), bob: actor("bob", "submitter") };
}
