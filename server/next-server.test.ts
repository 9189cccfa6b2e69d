import { describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript entry point without type declarations
import { appendForwardedFor, wellFormedPath } from "./next-server.mjs";

describe("the HTTP front (server/next-server.mjs)", () => {
  it("appends the socket peer to X-Forwarded-For, so the client's own claims stay to its left", () => {
    expect(appendForwardedFor(undefined, "10.0.0.5")).toBe("10.0.0.5");
    expect(appendForwardedFor("1.2.3.4", "10.0.0.5")).toBe("1.2.3.4, 10.0.0.5");
    expect(appendForwardedFor(["1.1.1.1", "2.2.2.2"], "::1")).toBe("1.1.1.1, 2.2.2.2, ::1");
  });

  it("tells malformed percent-encoding from well-formed paths", () => {
    expect(wellFormedPath("/api/v1/variants/%25?x=%")).toBe("/api/v1/variants/%25");
    expect(wellFormedPath("/api/v1/variants/%E0%A4%A")).toBeUndefined();
    expect(wellFormedPath("/%zz")).toBeUndefined();
    expect(wellFormedPath("/caf%C3%A9")).toBe("/caf%C3%A9");
  });
});
