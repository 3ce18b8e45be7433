import { describe, expect, it } from "vitest";
import { clientForAdvisor } from "./privacy";

describe("clientForAdvisor", () => {
  it("keeps the first name and nothing else", () => {
    const client = { id: "u1", firstName: "Sam", lastName: "Carter", email: "sam@example.com" };
    expect(clientForAdvisor(client)).toEqual({ firstName: "Sam" });
  });

  it.each([[null], [""], ["   "]])("shows 'Client' for a missing first name (%j)", (firstName) => {
    expect(clientForAdvisor({ firstName })).toEqual({ firstName: "Client" });
  });
});
