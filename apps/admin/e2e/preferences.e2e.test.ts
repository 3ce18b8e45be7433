import { describe, expect, it } from "vitest";
import {
  ADMIN_EMAIL,
  expectNoPageErrors,
  HOME_PATH,
  screenshot,
  screenshotOnFailure,
  useStack,
} from "./stack";

const stack = useStack();

describe("my preferences", () => {
  it("a signed-in person sets their own language and time zone from the header", async () => {
    const { page, consoleUrl, t } = stack;
    screenshotOnFailure(stack, "preferences");

    await page.goto(`${consoleUrl}/sign-in`);
    await page.getByRole("button", { name: `(${ADMIN_EMAIL})` }).click();
    await page.waitForURL(`${consoleUrl}${HOME_PATH}`);
    await page.locator("header").getByRole("button", { name: "My preferences" }).click();

    const dialog = page.getByRole("dialog", { name: "Your language and time zone" });
    await dialog.waitFor();
    await dialog.getByRole("combobox", { name: "Language" }).selectOption("fr-MA");
    const zone = dialog.getByRole("textbox", { name: "Time zone" });
    await zone.fill("Asia/Tok");
    await page.getByRole("option", { name: "Asia/Tokyo" }).click();
    await screenshot(stack, "preferences");
    await dialog.getByRole("button", { name: "Save" }).click();
    await page.getByText("Your preferences are saved.").waitFor();
    await dialog.waitFor({ state: "hidden" });

    const [row] = await t.sql<{ locale: string; time_zone: string | null }[]>`
      select locale, time_zone from users where email = ${ADMIN_EMAIL}`;
    expect(row).toEqual({ locale: "fr-MA", time_zone: "Asia/Tokyo" });
    const audit = await t.sql<{ action: string }[]>`
      select action from audit_log
       where subject_id = 'demo|admin' and action = 'user.preferences_updated'`;
    expect(audit).toHaveLength(1);
    expectNoPageErrors(stack);
  });
});
