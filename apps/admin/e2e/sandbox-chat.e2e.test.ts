import { findUnbalancedEntries, seedDemoMarketplace } from "@an/db";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  ADMIN_EMAIL,
  expectNoPageErrors,
  HOME_PATH,
  screenshot,
  screenshotOnFailure,
  signInAsAdmin,
  type Stack,
  useStack,
} from "./stack";

const SAM = { id: "demo|client-sam", email: "sam@demo.advisor.network" };
const AMIRA = { id: "demo|advisor-amira", email: "amira@demo.advisor.network" };

/** Amira and Lucas applied and approved, with their Cal.com event types: invitable advisors. */
const stack = useStack(async (t) => {
  await seedDemoMarketplace(t.db);
});

/** A webhook round trip (simulator → worker delivery → our route → processing), or a job. */
const WEBHOOK_WAIT_MS = 30_000;
/** The walk-through waits on many round trips in a row: more than the default. */
const WALKTHROUGH_TIMEOUT_MS = 300_000;

/** Clicks a link that opens in a new tab and returns that tab, loaded. */
async function openInNewTab(page: Page, scope: Locator, name: string): Promise<Page> {
  const [tab] = await Promise.all([
    page.context().waitForEvent("page"),
    scope.getByRole("link", { name }).click(),
  ]);
  await tab.waitForLoadState();
  return tab;
}

/** Types `body` into a conversation pane and sends it. */
async function say(conversation: Locator, body: string): Promise<void> {
  await conversation.getByRole("textbox", { name: "Message" }).fill(body);
  await conversation.getByRole("button", { name: "Send", exact: true }).click();
}

/** The stored (not pending) message showing `body` in a conversation pane. */
const shown = (conversation: Locator, body: string) =>
  conversation.getByTestId("sandbox-chat-message").filter({ hasText: body });

async function expectLedgerBalanced(s: Stack): Promise<void> {
  expect(await findUnbalancedEntries(s.t.db)).toEqual([]);
  const [totals] = await s.t.sql<{ off: number }[]>`
    select count(*)::int as off from (
      select currency from journal_postings group by currency having sum(amount) <> 0
    ) t`;
  expect(totals!.off).toBe(0);
}

describe("sandbox project chat", () => {
  it(
    "the client and the advisor chat live in two pages, and a paid pass is carried to a payout",
    async () => {
      const { page: clientPage, t } = stack;
      screenshotOnFailure(stack, "sandbox-chat");
      await signInAsAdmin(stack, "/sandbox");
      // A second browser context plays the advisor: a console of its own, signed in as the
      // admin too, whose sandbox acts as Amira while the first acts as Sam.
      const browser = clientPage.context().browser();
      if (!browser) throw new Error("the client page has no browser");
      const advisorContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const advisorPage = await advisorContext.newPage();
      advisorPage.setDefaultTimeout(20_000);
      const advisorErrors: Error[] = [];
      advisorPage.on("pageerror", (error) => advisorErrors.push(error));
      await advisorPage.goto(`${stack.consoleUrl}/sign-in`);
      await advisorPage.getByRole("button", { name: `(${ADMIN_EMAIL})` }).click();
      await advisorPage.waitForURL((url) => url.pathname === HOME_PATH);
      await advisorPage.goto(`${stack.consoleUrl}/sandbox`);

      // The client page acts as Sam (step 1), the advisor page as Amira.
      await clientPage.getByRole("combobox", { name: "Demo client" }).selectOption(SAM.email);
      await clientPage.getByRole("button", { name: "Act as this client" }).click();
      await clientPage.getByTestId("sandbox-acting-as").getByText("Sam").waitFor();
      // The project chat opens on demand, in each page.
      await clientPage.getByRole("button", { name: "Open the project chat" }).click();
      await advisorPage.getByRole("button", { name: "Open the project chat" }).click();
      const client = clientPage.getByTestId("sandbox-client-chat");
      const advisor = advisorPage.getByTestId("sandbox-advisor-chat");
      await advisor.getByRole("combobox", { name: "Demo advisor" }).selectOption(AMIRA.email);
      await advisor.getByRole("button", { name: "Act as this advisor" }).click();
      await advisor.getByTestId("sandbox-advisor-acting-as").getByText(/Amira/).waitFor();

      // Amira offers async advice at $50 a day.
      await advisor.getByRole("textbox", { name: "Async day rate" }).fill("50");
      await advisor.getByRole("button", { name: "Set day rate" }).click();
      await advisor.locator('[data-testid="sandbox-async-rate"][data-rate="5000"]').waitFor();

      // Sam creates a project and invites Amira.
      await client.getByRole("textbox", { name: "Name" }).fill("Checkout app");
      await client.getByRole("textbox", { name: "Description" }).fill("Our payment flow.");
      await client.getByRole("button", { name: "Create project" }).click();
      const clientChat = client.getByTestId("sandbox-client-conversation");
      await clientChat.getByText("Conversation: Checkout app").waitFor();
      await client.getByRole("combobox", { name: "Advisor to invite" }).selectOption(AMIRA.id);
      await client.getByRole("button", { name: "Send invitation" }).click();
      await client
        .locator('[data-testid="sandbox-chat-invitation"][data-status="pending"]')
        .waitFor();

      // Amira sees the pending invitation (the client by first name only), and why she can't
      // open the conversation yet, in the API's words.
      const invitation = advisor.getByTestId("sandbox-advisor-invitation");
      await invitation.getByText("Sam invites you to Checkout app").waitFor();
      expect(await advisor.getByText("Carter").count()).toBe(0);
      await advisor.getByText(/Accept the invitation to this project first/).waitFor();
      await invitation.getByRole("button", { name: "Accept" }).click();
      await advisor
        .locator('[data-testid="sandbox-advisor-invitation"][data-status="accepted"]')
        .waitFor();
      // Accepted, but nothing pays for her time yet.
      await advisor.getByText(/No booked consultation or advice pass covers your time/).waitFor();
      await client
        .locator('[data-testid="sandbox-chat-invitation"][data-status="accepted"]')
        .waitFor();

      // Sam writes before any pass: stored, and shown to him as sent.
      const first = "Hi Amira, could you review our checkout flow?";
      await say(clientChat, first);
      await shown(clientChat, first).waitFor();

      // Sam buys a 3-day pass and pays it on the simulated checkout.
      const pass = client.getByTestId("sandbox-pass");
      await pass.getByRole("combobox", { name: "Pass advisor" }).selectOption(AMIRA.id);
      await pass.getByRole("combobox", { name: "Days" }).selectOption("3");
      await pass.getByRole("button", { name: "Get a quote" }).click();
      await pass.getByTestId("sandbox-pass-quote").getByText("$150.00").waitFor();
      await pass.getByRole("button", { name: "Buy the pass" }).click();
      const passItem = pass.getByTestId("sandbox-pass-item");
      await passItem
        .getByTestId("sandbox-pass-checkout-link")
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      const checkout = await openInNewTab(
        clientPage,
        passItem,
        "Pay the pass on the simulated checkout",
      );
      await checkout.getByRole("button", { name: "Pay", exact: true }).click();
      await checkout.getByText("Paid", { exact: true }).waitFor();
      await checkout.close();
      await passItem
        .locator('[data-testid="sandbox-pass-status"][data-status="confirmed"]')
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      const passId = await passItem.getAttribute("data-consultation-id");
      expect(passId).toMatch(/^[0-9a-f-]{36}$/);

      // The paid pass opens the conversation to Amira (she sees the history, per the
      // invitation's scope) and both streams go live.
      const advisorChat = advisor.getByTestId("sandbox-advisor-conversation");
      await shown(advisorChat, first).waitFor({ timeout: WEBHOOK_WAIT_MS });
      await advisorChat
        .locator('[data-testid="sandbox-chat-stream"][data-status="pending"]')
        .waitFor();
      await clientChat
        .locator('[data-testid="sandbox-chat-stream"][data-status="pending"]')
        .waitFor();
      await screenshot(stack, "sandbox-chat-open");

      // Amira replies: it shows in Sam's page without a reload, attributed to the pass.
      const reply = "Sure. Start with the retry on a declined card.";
      await say(advisorChat, reply);
      await shown(advisorChat, reply).waitFor();
      await shown(clientChat, reply).waitFor();
      expect(await shown(clientChat, reply).getAttribute("data-engagement-id")).toBe(passId);
      // Sam answers: it shows in Amira's page, live too.
      const answer = "Thanks! Doing that now.";
      await say(clientChat, answer);
      await shown(advisorChat, answer).waitFor();
      // Amira sees Sam by first name only in the conversation as well.
      expect(await advisorChat.getByText("Carter").count()).toBe(0);

      // Amira's reply is unread for Sam until he marks it read.
      const unread = clientChat.getByTestId("sandbox-chat-unread");
      expect(Number(await unread.getAttribute("data-unread"))).toBeGreaterThan(0);
      await clientChat.getByRole("button", { name: "Mark as read" }).click();
      await clientChat.locator('[data-testid="sandbox-chat-unread"][data-unread="0"]').waitFor();
      await screenshot(stack, "sandbox-chat-live");

      // What the database holds: one row per message, seq 1..n in order, the advisor's
      // message attributed to the pass, Sam's read cursor at the end.
      const rows = await t.sql<
        { seq: number; actor_type: string; engagement_id: string | null; body: string }[]
      >`
        select m.seq, m.actor_type, m.engagement_id, m.body
          from messages m join conversations c on c.id = m.conversation_id
          join projects p on p.id = c.project_id
         where p.name = 'Checkout app' order by m.seq`;
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
      expect(rows.map((r) => [r.actor_type, r.body, r.engagement_id])).toEqual([
        ["client", first, null],
        ["advisor", reply, passId],
        ["client", answer, null],
      ]);
      const [cursor] = await t.sql<{ last_read_seq: number }[]>`
        select cm.last_read_seq from conversation_members cm
          join conversations c on c.id = cm.conversation_id
          join projects p on p.id = c.project_id
         where p.name = 'Checkout app' and cm.user_id = ${SAM.id}`;
      expect(cursor!.last_read_seq).toBe(3);

      // The pass's window ends now (dev shortcut, as the admin): completed, and Amira's
      // access, which the pass paid for, ends with it.
      await passItem.getByRole("button", { name: "End the pass window now" }).click();
      await passItem
        .locator('[data-testid="sandbox-pass-status"][data-status="completed"]')
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await advisor
        .getByText(/No booked consultation or advice pass covers your time/)
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      expect(await advisorChat.getByRole("textbox", { name: "Message" }).count()).toBe(0);

      // Then the payout steps, as for a booking: onboard Amira, end the hold window, pay now.
      const payout = passItem.getByTestId("sandbox-payout");
      await payout.getByTestId("sandbox-account-state").getByText("not onboarded").waitFor();
      const [onboarding] = await Promise.all([
        clientPage.context().waitForEvent("page"),
        payout.getByRole("button", { name: "Onboard the advisor to Stripe (simulated)" }).click(),
      ]);
      await onboarding.waitForURL(/\/sim\/connect\/onboarding\/link_/);
      await onboarding.getByRole("button", { name: "Complete onboarding" }).click();
      await onboarding.waitForURL(/return=1/);
      await onboarding.close();
      await payout
        .getByTestId("sandbox-account-state")
        .getByText("ready for payouts")
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await payout.getByRole("button", { name: "End hold window now" }).click();
      await passItem
        .locator('[data-testid="sandbox-pass-status"][data-status="released"]')
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await payout.getByRole("button", { name: "Pay now" }).click();
      await payout
        .locator('[data-testid="sandbox-payout-item"][data-status="sent"]')
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await passItem
        .locator('[data-testid="sandbox-pass-status"][data-status="paid_out"]')
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await payout
        .getByTestId("sandbox-transfer-entry")
        .locator('[data-ledger-entry="transfer"]')
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await screenshot(stack, "sandbox-chat-paid-out");

      const [row] = await t.sql<{ kind: string; status: string; refundable_share: number }[]>`
        select kind, status, refundable_share::int as refundable_share
          from consultations where id = ${passId}`;
      expect(row).toEqual({ kind: "async_pass", status: "paid_out", refundable_share: 12_000 });
      const items = await t.sql<{ amount: number; status: string; transfer: string | null }[]>`
        select amount::int as amount, status, provider_transfer_id as transfer
          from payout_items where consultation_id = ${passId}`;
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ amount: 12_000, status: "sent" });
      expect(items[0]!.transfer).toMatch(/^tr_/);
      const events = await t.sql<{ source: string; reason: string | null }[]>`
        select source, reason from consultation_events
         where consultation_id = ${passId} and type = 'scheduled_end_reached' and applied`;
      expect(events).toEqual([
        {
          source: "sandbox:end_pass_window",
          reason: "development sandbox: pass window ended early",
        },
      ]);
      await expectLedgerBalanced(stack);
      expectNoPageErrors(stack);
      expect(advisorErrors).toEqual([]);
      await advisorContext.close();
    },
    WALKTHROUGH_TIMEOUT_MS,
  );
});
