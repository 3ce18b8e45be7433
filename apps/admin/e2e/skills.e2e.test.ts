import { createSkill } from "@an/db";
import { insertAdvisor } from "@an/db/testing";
import { describe, expect, it } from "vitest";
import {
  expectNoPageErrors,
  screenshot,
  screenshotOnFailure,
  signInAsAdmin,
  useStack,
} from "./stack";

const LUCAS = "demo|advisor-lucas";
const ids = { react: "", reactjs: "", long: "" };
/**
 * The longest name the API takes (100 characters), in one word: nothing to wrap at, the
 * worst case for the table.
 */
const LONG_NAME =
  "PostgreSQLLogicalReplicationSlotsWalSendersAndPublicationsForMultiRegionActiveActiveFailoverClusters";

const stack = useStack(async (t) => {
  const actor = { kind: "system", label: "e2e" } as const;
  await t.db.transaction(async (tx) => {
    for (const [key, name, synonyms] of [
      ["react", "React", []],
      ["reactjs", "ReactJS", ["react.js"]],
    ] as const) {
      const created = await createSkill(tx, { name, synonyms, actor });
      if (!created.ok) throw new Error(`fixture skill ${name}: ${created.error.code}`);
      ids[key] = created.value.id;
    }
    await createSkill(tx, { name: "TypeScript", synonyms: ["ts"], actor });
    const long = await createSkill(tx, { name: LONG_NAME, synonyms: [], actor });
    if (!long.ok) throw new Error(`fixture skill ${LONG_NAME}: ${long.error.code}`);
    ids.long = long.value.id;
  });
  await insertAdvisor(t.db, { userId: LUCAS, displayName: "Lucas Martin" });
  await t.sql`insert into advisor_skills (advisor_id, skill_id) values (${LUCAS}, ${ids.reactjs})`;
});

describe("skills", () => {
  it("an admin merges a duplicate skill into the one to keep", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "skills");

    await signInAsAdmin(stack, "/skills");
    await page.getByRole("heading", { name: "Skills" }).waitFor();
    const table = page.getByRole("table", { name: "Skills" });
    const reactjsRow = table.locator(`tr[data-skill-id="${ids.reactjs}"]`);
    await reactjsRow.getByRole("list", { name: "Synonyms of ReactJS" }).waitFor();

    await reactjsRow.getByRole("button", { name: "Merge ReactJS into another skill" }).click();
    const dialog = page.getByRole("dialog", { name: "Merge ReactJS" });
    await dialog.getByRole("textbox", { name: "Merge into" }).click();
    await page.getByRole("option", { name: "React", exact: true }).click();
    await dialog.getByRole("button", { name: "Continue" }).click();
    await dialog.getByText("this can't be undone from the console").waitFor();
    await dialog.getByRole("button", { name: "Merge ReactJS into React" }).click();
    await page.getByText("Merged ReactJS into React; 1 advisor moved.").waitFor();
    await dialog.waitFor({ state: "hidden" });

    await reactjsRow.waitFor({ state: "detached" });
    const reactSynonyms = table
      .locator(`tr[data-skill-id="${ids.react}"]`)
      .getByRole("list", { name: "Synonyms of React" });
    await reactSynonyms
      .getByRole("listitem")
      .filter({ hasText: /^reactjs$/ })
      .waitFor();
    await screenshot(stack, "skills");

    const held = await t.sql<{ skill_id: string }[]>`
      select skill_id from advisor_skills where advisor_id = ${LUCAS}`;
    expect(held).toEqual([{ skill_id: ids.react }]);
    const [merged] = await t.sql<{ merged_into_id: string | null }[]>`
      select merged_into_id from skills where id = ${ids.reactjs}`;
    expect(merged?.merged_into_id).toBe(ids.react);
    const [search] = await t.sql<{ search_text: string }[]>`
      select search_text from advisors where user_id = ${LUCAS}`;
    expect(search?.search_text).toContain("React");

    expectNoPageErrors(stack);
  });
  it("a 100-character name wraps, shows in full, and leaves the row's actions on screen", async () => {
    const { page } = stack;
    screenshotOnFailure(stack, "skills-long-name");
    expect(LONG_NAME).toHaveLength(100);
    // Signed in by the test before.
    await page.goto(`${stack.consoleUrl}/skills`);
    const row = page
      .getByRole("table", { name: "Skills" })
      .locator(`tr[data-skill-id="${ids.long}"]`);
    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(viewport);
      await row.waitFor();
      const name = row.getByTestId("skill-name");
      const box = await name.boundingBox();
      // Wrapped onto more than one line, and no wider than its column.
      expect(box!.width).toBeLessThanOrEqual(320);
      for (const label of [`Rename ${LONG_NAME}`, `Add synonym to ${LONG_NAME}`]) {
        // On screen as the page opens: no scrolling sideways to reach them.
        // Polled: the table re-lays out after a resize, and a box read mid-reflow is stale.
        const button = row.getByRole("button", { name: label });
        await expect
          .poll(
            async () => {
              const b = await button.boundingBox();
              return b !== null && b.x >= 0 && b.x + b.width <= viewport.width;
            },
            { message: `${label} on screen at ${viewport.width}px`, timeout: 5000 },
          )
          .toBe(true);
      }
      await screenshot(stack, `skills-long-name-${viewport.width}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    // At 1440 px the actions need no scrolling at all.
    const rename = row.getByRole("button", { name: `Rename ${LONG_NAME}` });
    await page.evaluate(() => window.scrollTo(0, 0));
    const scroller = await rename.evaluate((el) => {
      let node: HTMLElement | null = el.parentElement;
      while (node && node.scrollWidth <= node.clientWidth) node = node.parentElement;
      return node ? { scrollWidth: node.scrollWidth, clientWidth: node.clientWidth } : null;
    });
    expect(scroller).toBeNull();
    // The whole name is on the page, wrapped rather than cut short.
    const shown = await row.getByTestId("skill-name").evaluate((el) => ({
      text: el.textContent,
      clipped: el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth,
    }));
    expect(shown).toEqual({ text: LONG_NAME, clipped: false });
    expectNoPageErrors(stack);
  });

  it("a duplicate skill's 409 is titled by what happened, in the operator's language, and nothing is saved", async () => {
    const { page, t, consoleUrl } = stack;
    screenshotOnFailure(stack, "skills-duplicate");
    // Start signed out whatever ran before in this browser.
    await page.goto(`${consoleUrl}/sign-in`);
    await page.evaluate(() => window.localStorage.clear());
    await signInAsAdmin(stack, "/skills");
    await page.getByRole("heading", { name: "Skills" }).waitFor();

    const form = page.getByRole("form", { name: "New skill" });
    await form.getByRole("textbox", { name: "New skill" }).fill("typescript");
    await form.getByRole("button", { name: "Create skill" }).click();
    const notice = page.getByRole("alert").filter({ hasText: "Conflict: nothing was saved" });
    await notice.waitFor();
    expect(await notice.textContent()).toContain(
      "A skill named 'typescript' (or a synonym of it) already exists.",
    );
    expect(await page.getByText("Something went wrong").count()).toBe(0);
    await screenshot(stack, "skills-duplicate");

    // The heading comes from the same catalogs as the message: switch the language, try again.
    await page.evaluate(() => window.localStorage.setItem("an.admin.locale", "fr"));
    await form.getByRole("button", { name: "Create skill" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "Conflit : rien n'a été enregistré" })
      .filter({ hasText: "existe déjà" })
      .waitFor();
    await page.evaluate(() => window.localStorage.removeItem("an.admin.locale"));

    const [count] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from skills where lower(name) = 'typescript'`;
    expect(count?.n).toBe(1);
    expectNoPageErrors(stack);
  });
});
