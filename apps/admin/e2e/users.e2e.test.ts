import { describe, expect, it } from "vitest";
import {
  ADMIN_EMAIL,
  expectNoPageErrors,
  HOME_PATH,
  screenshot,
  screenshotOnFailure,
  useStack,
} from "./stack";

const SAM = { id: "demo|client-sam", email: "sam@demo.advisor.network" };

const stack = useStack();

describe("users & roles", () => {
  it("an admin grants the advisor role to a client", async () => {
    const { page, consoleUrl, t } = stack;
    screenshotOnFailure(stack, "users-roles");

    await page.goto(`${consoleUrl}/sign-in`);
    await page.getByRole("button", { name: `(${ADMIN_EMAIL})` }).click();
    // Signing in lands on the menu's first item; users & roles is further down.
    await page.waitForURL(`${consoleUrl}${HOME_PATH}`);
    await page.getByRole("link", { name: "Users & roles" }).click();
    await page.getByRole("heading", { name: "Users & roles" }).waitFor();

    const samRow = page.getByRole("row").filter({ hasText: SAM.email });
    const samRoles = samRow.getByRole("list", { name: `Roles of ${SAM.email}` });
    await samRoles.waitFor();
    expect(await samRoles.getByRole("listitem").allTextContents()).toEqual(["client"]);

    await samRow
      .getByRole("combobox", { name: `Role to grant to ${SAM.email}` })
      .selectOption("advisor");
    await samRow.getByRole("button", { name: `Grant role to ${SAM.email}` }).click();

    await samRoles
      .getByRole("listitem")
      .filter({ hasText: /^advisor$/ })
      .waitFor();
    await page.getByText(`Granted advisor to ${SAM.email}.`).waitFor();
    expect((await samRoles.getByRole("listitem").allTextContents()).sort()).toEqual([
      "advisor",
      "client",
    ]);

    const grants = await t.sql<{ role: string; granted_by: string | null }[]>`
      select role::text, granted_by from user_roles
       where user_id = ${SAM.id} and revoked_at is null
       order by role`;
    expect(grants.map((g) => ({ role: g.role, grantedBy: g.granted_by }))).toEqual(
      expect.arrayContaining([{ role: "advisor", grantedBy: "demo|admin" }]),
    );

    // Finish the notification's entrance transition so the capture shows it settled.
    await screenshot(stack, "users-roles");

    // The detail drawer shows the grant in the role history and the audit trail.
    await samRow.getByRole("button", { name: `Details of ${SAM.email}` }).click();
    const audit = page.getByRole("table", { name: "Audit trail" });
    await audit
      .getByRole("row")
      .filter({ hasText: "role.granted" })
      .filter({ hasText: "demo|admin" })
      .waitFor();
    // On a phone the drawer takes the whole width, and nothing sticks out sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const drawer = page.getByRole("dialog", { name: "User details" });
    // The drawer settles after the resize (it re-lays out, then slides back into place):
    // wait until it sits wholly inside the new viewport, not only until it is narrow enough.
    await page.waitForFunction(() => {
      const dialog = document.querySelector("[role=dialog]");
      if (dialog === null) return false;
      const rect = dialog.getBoundingClientRect();
      return rect.width <= 390 && rect.left >= 0 && rect.right <= 390;
    });
    const box = await drawer.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(
      await page.evaluate(
        () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
      ),
    ).toBe(true);
    await screenshot(stack, "users-detail-390");
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.keyboard.press("Escape");

    // The worker turned the grant's job into Sam's notification, shown in the outbox.
    await page.getByRole("link", { name: "Notifications outbox" }).click();
    const outbox = page.getByRole("table", { name: "Notifications outbox" });
    const message = outbox
      .getByRole("row")
      .filter({ hasText: "You now have the advisor role on Advisor Network" });
    for (let attempt = 0; (await message.count()) === 0 && attempt < 30; attempt++) {
      await page.getByRole("button", { name: /refresh/i }).click();
      await page.waitForTimeout(500);
    }
    await message.filter({ hasText: SAM.email }).waitFor();
    await screenshot(stack, "notifications-outbox");

    expectNoPageErrors(stack);
  });
});
