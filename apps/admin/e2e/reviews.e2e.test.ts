import { createReview } from "@an/db";
import { insertAdvisor, insertConsultation } from "@an/db/testing";
import { describe, expect, it } from "vitest";
import {
  expectNoPageErrors,
  screenshot,
  screenshotOnFailure,
  signInAsAdmin,
  useStack,
} from "./stack";

const LUCAS = "demo|advisor-lucas";
const REASON = "Abusive language about the advisor.";
const reviewIds = { good: "", bad: "" };

const stack = useStack(async (t) => {
  await insertAdvisor(t.db, { userId: LUCAS, displayName: "Lucas Martin" });
  const now = new Date();
  const startsAt = new Date(now.getTime() - 3 * 86_400_000);
  for (const [key, clientId, rating, body] of [
    ["good", "demo|client-sam", 5, "Lucas untangled our Rust build in an hour."],
    ["bad", "demo|client-diego", 1, "Total waste of money, this guy is an idiot."],
  ] as const) {
    const consultationId = await insertConsultation(t.db, {
      clientId,
      advisorId: LUCAS,
      startsAt,
    });
    const created = await t.db.transaction((tx) =>
      createReview(tx, { clientId, consultationId, rating, body, now }),
    );
    if (!created.ok) throw new Error(`fixture review: ${created.code}`);
    reviewIds[key] = created.reviewId;
  }
});

describe("reviews", () => {
  it("an admin hides an abusive review with a reason", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "reviews");

    const [before] = await t.sql<{ rating_count: number; rating_sum: number }[]>`
      select rating_count, rating_sum from advisors where user_id = ${LUCAS}`;
    expect(before).toEqual({ rating_count: 2, rating_sum: 6 });

    await signInAsAdmin(stack, "/reviews");
    await page.getByRole("heading", { name: "Reviews" }).waitFor();
    const table = page.getByRole("table", { name: "Reviews" });
    const badRow = table.locator(`tr[data-review-id="${reviewIds.bad}"]`);
    await badRow.getByText("Visible").waitFor();

    await badRow.getByRole("button", { name: "Hide the 1-star review of Lucas Martin" }).click();
    const dialog = page.getByRole("dialog", { name: "Hide review" });
    await dialog.getByRole("textbox", { name: "Reason" }).fill(REASON);
    await dialog.getByRole("button", { name: "Hide review" }).click();
    await page.getByText("Hid the 1-star review of Lucas Martin.").waitFor();
    await dialog.waitFor({ state: "hidden" });
    await badRow.getByText("Hidden", { exact: true }).waitFor();
    await badRow.getByText(REASON).waitFor();

    const [review] = await t.sql<{ hidden: boolean; hidden_reason: string; hidden_by: string }[]>`
      select hidden_at is not null as hidden, hidden_reason, hidden_by
        from reviews where id = ${reviewIds.bad}`;
    expect(review).toEqual({ hidden: true, hidden_reason: REASON, hidden_by: "demo|admin" });
    const [after] = await t.sql<{ rating_count: number; rating_sum: number }[]>`
      select rating_count, rating_sum from advisors where user_id = ${LUCAS}`;
    expect(after).toEqual({ rating_count: 1, rating_sum: 5 });

    // The hidden filter shows only the hidden review.
    await page.getByRole("combobox", { name: "Visibility" }).selectOption("hidden");
    await table.locator(`tr[data-review-id="${reviewIds.good}"]`).waitFor({ state: "detached" });
    await badRow.waitFor();
    await page.getByRole("combobox", { name: "Visibility" }).selectOption("");
    await table.locator(`tr[data-review-id="${reviewIds.good}"]`).waitFor();
    await screenshot(stack, "reviews");

    expectNoPageErrors(stack);
  });
});
