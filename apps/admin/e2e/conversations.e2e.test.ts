import { acceptInvitation, createProject, type Db, inviteAdvisor, sendChatMessage } from "@an/db";
import { AMIRA, DIEGO, insertAdvisor, SAM } from "@an/db/testing";
import { describe, expect, it } from "vitest";
import {
  expectNoPageErrors,
  screenshot,
  screenshotOnFailure,
  signInAsAdmin,
  useStack,
} from "./stack";

const ADMIN = "demo|admin";
const REASON = "Moves the conversation off the platform.";
const FLAGGED_BODY = "Easier by email: sam.carter@example.com";
const ids = { shopConversation: "", dashConversation: "", projectId: "", flagged: "" };

/** A project made the way the API makes it (with its conversation and owner membership). */
async function project(db: Db, ownerId: string, name: string, externalRef: string) {
  const created = await db.transaction((tx) =>
    createProject(tx, {
      ownerId,
      name,
      description: `${name}: the client's app.`,
      externalRef,
      languages: ["en"],
      actor: { kind: "user", userId: ownerId },
    }),
  );
  if (!created.ok) throw new Error(`fixture project: ${created.error.code}`);
  return created.value;
}

/** A message sent through the chat send workflow: access, body rules, contact-detail flags. */
async function say(db: Db, conversationId: string, userId: string, body: string, now: Date) {
  const sent = await db.transaction((tx) =>
    sendChatMessage(tx, {
      conversationId,
      caller: { kind: "user", userId, isAdmin: false },
      clientMsgId: `e2e-${now.getTime()}`,
      body,
      attachments: [],
      now,
    }),
  );
  if (!sent.ok) throw new Error(`fixture message: ${sent.error.code}`);
  return sent.value.message;
}

const stack = useStack(async (t) => {
  await insertAdvisor(t.db, { userId: AMIRA, displayName: "Amira Haddad" });
  const now = new Date(Date.now() - 60 * 60_000);
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

  const shop = await project(t.db, SAM, "Checkout app", "host-42");
  ids.projectId = shop.id;
  ids.shopConversation = shop.conversationId!;
  const invited = await t.db.transaction((tx) =>
    inviteAdvisor(tx, {
      actor: { userId: SAM, isAdmin: false },
      now: at(1),
      projectId: shop.id,
      advisorId: AMIRA,
      seesHistory: true,
      canPost: true,
    }),
  );
  if (!invited.ok) throw new Error(`fixture invitation: ${invited.error.code}`);
  const accepted = await t.db.transaction((tx) =>
    acceptInvitation(tx, {
      actor: { userId: AMIRA, isAdmin: false },
      now: at(2),
      invitationId: invited.value.id,
    }),
  );
  if (!accepted.ok) throw new Error(`fixture acceptance: ${accepted.error.code}`);
  await say(t.db, ids.shopConversation, SAM, "Hello Amira, the checkout fails on iOS.", at(3));
  ids.flagged = (await say(t.db, ids.shopConversation, SAM, FLAGGED_BODY, at(4))).id;

  // Another conversation, more recent and with nothing flagged: the filter must leave it out.
  const dash = await project(t.db, DIEGO, "Analytics dashboard", "host-7");
  ids.dashConversation = dash.conversationId!;
  await say(t.db, ids.dashConversation, DIEGO, "Charts please.", at(10));
});

describe("conversations", () => {
  it("an admin finds a flagged conversation, reads it (audited), hides the message, and sees the project's invitation", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "conversations");
    const reads = async () =>
      (
        await t.sql<{ actor_id: string; after: { count: number } }[]>`
          select actor_id, after from audit_log
           where action = 'chat.read' and subject_id = ${ids.shopConversation} order by id`
      ).map((r) => ({ actor: r.actor_id, count: r.after.count }));
    expect(await reads()).toEqual([]);

    await signInAsAdmin(stack, "/conversations");
    await page.getByRole("heading", { name: "Conversations" }).waitFor();
    const table = page.getByRole("table", { name: "Conversations" });
    const shopRow = table.locator(`tr[data-conversation-id="${ids.shopConversation}"]`);
    const dashRow = table.locator(`tr[data-conversation-id="${ids.dashConversation}"]`);
    await dashRow.waitFor();
    await shopRow.getByText("1 flagged").waitFor();

    // The review queue lists the flagged message itself, with why.
    await page.getByRole("tab", { name: "Flagged messages" }).click();
    const queued = page
      .getByRole("table", { name: "Flagged messages" })
      .locator(`tr[data-message-id="${ids.flagged}"]`);
    await queued.getByText("Email address").waitFor();
    await page.getByRole("tab", { name: "All conversations" }).click();

    await page.getByRole("switch", { name: "Flagged or reported only" }).click();
    await dashRow.waitFor({ state: "detached" });
    await shopRow.waitFor();
    // Listing reads no message: nothing audited yet.
    expect(await reads()).toEqual([]);

    await shopRow.getByRole("link", { name: "Open the conversation of Checkout app" }).click();
    await page.getByRole("heading", { name: "Conversation: Checkout app" }).waitFor();
    await page.getByText("Every read is audited").waitFor();
    const flagged = page.locator(`article[data-message-id="${ids.flagged}"]`);
    await flagged.getByText(FLAGGED_BODY).waitFor();
    await flagged.getByText("Email address").waitFor();
    const members = page.getByRole("table", { name: "Members" });
    await members.getByText("Amira Haddad").waitFor();
    // One audited read for opening the page, by the admin, of both messages.
    expect(await reads()).toEqual([{ actor: ADMIN, count: 2 }]);

    await flagged.getByRole("button", { name: "Hide message 2" }).click();
    const dialog = page.getByRole("dialog", { name: "Hide message" });
    await dialog.getByText(FLAGGED_BODY).waitFor();
    await dialog.getByRole("textbox", { name: "Reason" }).fill(REASON);
    await dialog.getByRole("button", { name: "Hide", exact: true }).click();
    await page.getByText("Message hidden.").waitFor();
    await dialog.waitFor({ state: "hidden" });
    await flagged.getByText("Hidden", { exact: true }).waitFor();
    await flagged.getByText(REASON, { exact: false }).waitFor();
    await flagged.getByRole("button", { name: "Show message 2 again" }).waitFor();
    await screenshot(stack, "conversation");

    const [message] = await t.sql<{ hidden_reason: string; hidden_by: string }[]>`
      select hidden_reason, hidden_by from messages where id = ${ids.flagged}`;
    expect(message).toEqual({ hidden_reason: REASON, hidden_by: ADMIN });
    const [hidden] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from audit_log
       where action = 'chat.message_hidden' and subject_id = ${ids.flagged} and actor_id = ${ADMIN}`;
    expect(hidden!.n).toBe(1);
    // Seeing the hidden state re-read the page on screen: a second audited read, no more.
    expect(await reads()).toEqual([
      { actor: ADMIN, count: 2 },
      { actor: ADMIN, count: 2 },
    ]);

    await page.getByRole("link", { name: "Project page" }).click();
    await page.getByRole("heading", { name: "Checkout app" }).waitFor();
    await page.getByText("host-42").waitFor();
    const invitations = page.getByRole("table", { name: "Invitations" });
    await invitations.getByText("Amira Haddad").waitFor();
    await invitations.getByText("Accepted").waitFor();
    await invitations
      .getByRole("button", { name: "Revoke the invitation of Amira Haddad" })
      .waitFor();
    await page.getByText("No pass has been bought on this project.").waitFor();
    await page.getByRole("link", { name: "Open its conversation" }).waitFor();
    await screenshot(stack, "project");

    expectNoPageErrors(stack);
  });
});
