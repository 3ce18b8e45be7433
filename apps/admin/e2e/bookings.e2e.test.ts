import { findUnbalancedEntries, raiseIncident, seedDemoMarketplace } from "@an/db";
import { translator } from "@an/domain";
import { describe, expect, it } from "vitest";
import {
  apiClientFor,
  expectNoPageErrors,
  screenshot,
  screenshotOnFailure,
  signInAsAdmin,
  type Stack,
  useStack,
} from "./stack";

const SAM = { id: "demo|client-sam", email: "sam@demo.advisor.network" };
const LUCAS = "demo|advisor-lucas";
const AMIRA = "demo|advisor-amira";
const HOUR = 3_600_000;
/** A webhook round trip: simulator → worker delivery → our route → processing. */
const WEBHOOK_WAIT_MS = 30_000;

/** Amira and Lucas applied and approved, with their Cal.com event types: bookable advisors. */
const stack = useStack(async (t) => {
  await seedDemoMarketplace(t.db);
});

/** Posts a form to one of the simulator's pages, as its buttons do; answers the redirect. */
async function simPost(s: Stack, path: string, fields: Record<string, string>): Promise<string> {
  const response = await fetch(`${s.apiUrl}${path}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  const text = response.status === 303 ? "" : await response.text();
  expect(response.status, `${path}: ${text}`).toBe(303);
  return response.headers.get("location") ?? "";
}

async function waitForStatus(s: Stack, consultationId: string, status: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const [row] = await s.t.sql<{ status: string }[]>`
          select status from consultations where id = ${consultationId}`;
        return row?.status;
      },
      { timeout: WEBHOOK_WAIT_MS },
    )
    .toBe(status);
}

/**
 * A paid consultation made through the real flow, without a browser: Sam prepares the
 * booking through the API, books on the simulated Cal.com and pays on the simulated Stripe
 * checkout; their webhooks go through the worker, our webhook routes and processing.
 */
async function bookAndPay(
  s: Stack,
  advisorId: string,
  startsAt: Date,
  options: { charge?: number } = {},
): Promise<{ id: string; uid: string; price: number }> {
  const sam = await apiClientFor(s, SAM);
  const prepared = await sam.bookings.prepare.mutate({ advisorId, durationMinutes: 60 });
  const link = new URL(prepared.bookingUrl);
  const location = await simPost(s, link.pathname, {
    bookingToken: link.searchParams.get("metadata[bookingToken]") ?? "",
    name: "Sam Carter",
    email: SAM.email,
    timeZone: "America/New_York",
    start: startsAt.toISOString(),
    duration: "60",
  });
  const uid = decodeURIComponent(location.split("/").pop() ?? "");
  let session: { id: string; price: number; provider_session_id: string } | undefined;
  await expect
    .poll(
      async () => {
        [session] = await s.t.sql<{ id: string; price: number; provider_session_id: string }[]>`
          select c.id, c.price, p.provider_session_id from consultations c
            join payments p on p.consultation_id = c.id
           where c.booking_uid = ${uid} and p.status = 'open'
             and p.provider_session_id is not null`;
        return session?.provider_session_id;
      },
      { timeout: WEBHOOK_WAIT_MS },
    )
    .toBeTruthy();
  if (options.charge !== undefined) {
    // A checkout that charges something other than the quote (tampered or misconfigured).
    await s.t.sql`
      update sim_objects set data = jsonb_set(data, '{session,amount_total}', ${String(options.charge)}::jsonb)
       where kind = 'checkout_session' and id = ${session!.provider_session_id}`;
  }
  await simPost(s, `/sim/checkout/${session!.provider_session_id}/pay`, {});
  if (options.charge === undefined) {
    await waitForStatus(s, session!.id, "confirmed");
  } else {
    await expect
      .poll(
        async () => {
          const [row] = await s.t.sql<{ status: string }[]>`
            select status from payments where provider_session_id = ${session!.provider_session_id}`;
          return row?.status;
        },
        { timeout: WEBHOOK_WAIT_MS },
      )
      .toBe("paid");
  }
  return { id: session!.id, uid, price: session!.price };
}

async function expectLedgerBalanced(s: Stack): Promise<void> {
  expect(await findUnbalancedEntries(s.t.db)).toEqual([]);
  const off = await s.t.sql<{ currency: string }[]>`
    select currency from journal_postings group by currency having sum(amount) <> 0`;
  expect(off).toEqual([]);
}

let paid: { id: string; uid: string; price: number };

describe("bookings console", () => {
  it("an admin refunds part of a paid consultation after previewing it; the ledger stays balanced", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "consultation-refund");
    paid = await bookAndPay(stack, LUCAS, new Date(Date.now() + 72 * HOUR));

    await signInAsAdmin(stack, "/consultations");
    await page.getByRole("heading", { name: "Consultations" }).waitFor();
    const row = page
      .getByRole("table", { name: "Consultations" })
      .locator(`tr[data-consultation-id="${paid.id}"]`);
    await row.getByText("Confirmed").waitFor();
    await row
      .getByRole("link", { name: /^Open the consultation of Sam Carter with Lucas Martin/ })
      .click();
    await page.waitForURL(new RegExp(`/consultations/${paid.id}$`));
    await page
      .getByTestId("consultation-status")
      .and(page.locator('[data-status="confirmed"]'))
      .waitFor();
    await page.getByTestId("quote-price").getByText("$120.00").waitFor();
    // The meeting in the viewer's zone, and also on the client's own clock (Sam books from
    // New York), labelled with whose time it is.
    const times = page.getByRole("region", { name: "Times" });
    await times.getByTestId("starts-at").waitFor();
    await times
      .getByText(/^Client's time \(America\/New_York\)/)
      .first()
      .waitFor();
    await page
      .getByRole("region", { name: "Ledger entries" })
      .locator('[data-ledger-entry="payment_captured"]')
      .waitFor();

    // An amount the policy refuses: the preview shows the API's refusal in the console's
    // language, and the dialog itself is in that language too.
    const fr = translator("fr");
    await page.getByRole("combobox", { name: "Language" }).selectOption("fr");
    await page
      .getByRole("button", { name: fr("console.consultations.decisions.refund"), exact: true })
      .click();
    const frDialog = page.getByRole("dialog", {
      name: fr("console.consultations.decisions.refund"),
    });
    await frDialog
      .getByRole("textbox", { name: fr("console.consultations.decisions.amountToRefund") })
      .fill("500");
    // Both amounts as money in French, not minor units.
    await frDialog
      .getByText(/^Un remboursement de 500,00\s\$US dépasse les 120,00\s\$US encore remboursables/)
      .waitFor();
    await frDialog.getByRole("button", { name: fr("console.unappliedCharge.cancel") }).click();
    await frDialog.waitFor({ state: "hidden" });
    await page.getByRole("combobox", { name: fr("console.header.locale") }).selectOption("en");

    const dialog = page.getByRole("dialog", { name: "Refund" });
    const amount = dialog.getByRole("textbox", { name: "Amount to refund" });

    // The refund dialog previews what the amount does before anything is written.
    await page.getByRole("button", { name: "Refund", exact: true }).click();
    await amount.fill("500");
    await dialog.getByText("At most $120.00.").waitFor();
    await dialog
      .getByText(
        "A refund of $500.00 is more than the $120.00 still refundable. Enter at most $120.00.",
      )
      .waitFor();
    await amount.fill("30");
    const preview = dialog.getByTestId("refund-preview");
    await preview.getByTestId("preview-refund").getByText("$30.00").waitFor();
    await preview.getByTestId("preview-status").getByText("Confirmed").waitFor();
    await preview.getByText("Still refundable afterwards").waitFor();
    await preview.getByText("$90.00").waitFor();
    await dialog.getByRole("textbox", { name: "Reason" }).fill("Started 20 minutes late.");
    await screenshot(stack, "consultation-refund-preview");
    await dialog.getByRole("button", { name: "Refund", exact: true }).click();
    await page
      .getByText("Refund recorded. Now Confirmed. $30.00 goes back to the client.")
      .waitFor();
    await dialog.waitFor({ state: "hidden" });
    await page.getByTestId("refundable-price").getByText("$90.00").waitFor();
    await page
      .getByRole("region", { name: "Ledger entries" })
      .locator('[data-ledger-entry="refund"]')
      .waitFor();
    const refundRow = page.getByRole("table", { name: "Refund rows" }).getByRole("row").nth(1);
    await refundRow.getByText("$30.00").waitFor();
    await refundRow.getByText("Started 20 minutes late.").waitFor();

    // The refund is a row (the provider call's idempotency key) that the worker settles.
    await expect
      .poll(
        async () =>
          t.sql<{ amount: number; reason: string; requested_by: string; status: string }[]>`
            select amount, reason, requested_by, status from refunds
             where consultation_id = ${paid.id}`,
        { timeout: WEBHOOK_WAIT_MS },
      )
      .toEqual([
        {
          amount: 3_000,
          reason: "Started 20 minutes late.",
          requested_by: "demo|admin",
          status: "succeeded",
        },
      ]);
    const [consultation] = await t.sql<{ status: string; refundable_price: number }[]>`
      select status, refundable_price from consultations where id = ${paid.id}`;
    expect(consultation).toEqual({ status: "confirmed", refundable_price: paid.price - 3_000 });
    await expectLedgerBalanced(stack);
    await page.getByRole("table", { name: "Refund rows" }).getByText("succeeded").waitFor({
      timeout: WEBHOOK_WAIT_MS,
    });
    await screenshot(stack, "consultation-refund");

    // The ledger page agrees with the database and says it balances.
    const balances = await t.sql<{ account: string; balance: number }[]>`
      select account, sum(amount)::int as balance from journal_postings
       group by account order by account`;
    await page.getByRole("link", { name: "Ledger", exact: true }).click();
    await page.getByRole("heading", { name: "Ledger", exact: true }).waitFor();
    await page.getByTestId("ledger-balanced").and(page.locator('[data-balanced="true"]')).waitFor();
    const table = page.getByRole("table", { name: "Account balances" });
    for (const { account, balance } of balances) {
      const cell = table.locator(`tr[data-account="${account}"][data-currency="USD"]`);
      expect(await cell.getAttribute("data-balance")).toBe(String(balance));
    }
    const held = balances.find((b) => b.account === `client_funds_held:${paid.id}`);
    expect(held?.balance).toBe(-(paid.price - 3_000));
    await table.locator('[data-family="client_funds_held"]').waitFor();
    await table.locator('[data-family="stripe_balance"]').waitFor();
    await page.getByTestId("total-USD").getByText("$0.00").waitFor();
    await screenshot(stack, "ledger");

    // One consultation's entries, looked up on the same page.
    await page.getByRole("textbox", { name: "Consultation id" }).fill(paid.id);
    await page.getByRole("button", { name: "Show entries" }).click();
    await page.getByTestId("held-for-consultation").getByText("$90.00").waitFor();
    expectNoPageErrors(stack);
  });

  it("the webhook deliveries of a consultation can be read and replayed", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "webhook-events");
    await page.goto(`${stack.consoleUrl}/consultations/${paid.id}`);
    await page.getByRole("link", { name: "All deliveries about this consultation" }).click();
    await page.getByRole("heading", { name: "Webhook events" }).waitFor();
    const table = page.getByRole("table", { name: "Webhook events" });
    const [completed] = await t.sql<{ id: string }[]>`
      select id from webhook_events
       where consultation_id = ${paid.id} and event_type = 'checkout.session.completed'`;
    const row = table.locator(`tr[data-webhook-event-id="${completed!.id}"]`);
    await row.getByText("processed").waitFor();
    await row
      .getByRole("button", { name: /^Open the checkout\.session\.completed delivery/ })
      .click();
    const drawer = page.getByRole("dialog", { name: "Webhook delivery" });
    await drawer.getByLabel("Body").getByText('"type": "checkout.session.completed"').waitFor();

    await drawer.getByRole("button", { name: "Replay" }).click();
    const dialog = page.getByRole("dialog", { name: "Replay delivery" });
    await dialog
      .getByRole("textbox", { name: "Reason" })
      .fill("Checking that a replay is a no-op.");
    await dialog.getByRole("button", { name: "Replay" }).click();
    await page.getByText("Queued the delivery for processing again.").waitFor();
    await screenshot(stack, "webhook-events");

    // Processed again, found already applied: nothing changes.
    await expect
      .poll(
        async () => {
          const [row] = await t.sql<{ status: string }[]>`
            select status from webhook_events where id = ${completed!.id}`;
          return row?.status;
        },
        { timeout: WEBHOOK_WAIT_MS },
      )
      .toBe("ignored");
    const [replayed] = await t.sql<{ outcome: string; replayed_by: string }[]>`
      select outcome, replayed_by from webhook_events where id = ${completed!.id}`;
    expect(replayed!.replayed_by).toBe("demo|admin");
    expect(replayed!.outcome).toMatch(/already/);
    await drawer.getByText(replayed!.outcome).waitFor();
    // Processing is idempotent: the replay charged nothing again.
    const entries = await t.sql<{ kind: string }[]>`
      select kind from journal_entries where consultation_id = ${paid.id} and kind = 'payment_captured'`;
    expect(entries).toHaveLength(1);
    await expectLedgerBalanced(stack);
    expectNoPageErrors(stack);
  });

  it("a no-show report needs attention; upholding it refunds the client in full", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "consultation-no-show");
    // A meeting that has just started (the simulator takes starts up to a minute old): the
    // host ends it, then the client reports the advisor absent inside the hold window.
    const past = await bookAndPay(stack, AMIRA, new Date(Date.now() - 30_000));
    await simPost(stack, `/sim/bookings/${past.uid}/end`, {});
    await waitForStatus(stack, past.id, "completed");
    const sam = await apiClientFor(stack, SAM);
    await sam.consultations.reportNoShow.mutate({
      consultationId: past.id,
      reason: "Nobody came.",
    });

    await page.goto(`${stack.consoleUrl}/consultations`);
    await page.getByRole("group", { name: "Status filter" }).getByText("Needs attention").click();
    const table = page.getByRole("table", { name: "Consultations" });
    const row = table.locator(`tr[data-consultation-id="${past.id}"]`);
    await row.getByText("No-show (advisor)").waitFor();
    await table.locator(`tr[data-consultation-id="${paid.id}"]`).waitFor({ state: "detached" });
    await screenshot(stack, "consultations-needs-attention");
    await row.getByRole("link", { name: /^Open the consultation/ }).click();

    await page
      .getByTestId("consultation-status")
      .and(page.locator('[data-status="no_show_advisor"]'))
      .waitFor();
    const timeline = page.getByRole("table", { name: "Timeline events" });
    await timeline
      .locator('tr[data-event-type="no_show_reported"]')
      .getByText("Nobody came.")
      .waitFor();
    await page.getByRole("button", { name: "Uphold no-show" }).click();
    const dialog = page.getByRole("dialog", { name: "Uphold the no-show report" });
    await dialog.getByText("The advisor was absent: the client gets a full refund.").waitFor();
    await dialog
      .getByRole("textbox", { name: "Reason" })
      .fill("The advisor confirmed they missed it.");
    await dialog.getByRole("button", { name: "Uphold" }).click();
    await page.getByText(/^No-show report decided\. Now Refunded\. \$150\.00 goes back/).waitFor();
    await page
      .getByTestId("consultation-status")
      .and(page.locator('[data-status="refunded"]'))
      .waitFor();
    await timeline.locator('tr[data-event-type="no_show_resolved"]').waitFor();
    await screenshot(stack, "consultation-no-show");

    const refunds = await t.sql<{ amount: number }[]>`
      select amount from refunds where consultation_id = ${past.id}`;
    expect(refunds).toEqual([{ amount: past.price }]);
    const [held] = await t.sql<{ held: number }[]>`
      select coalesce(sum(amount), 0)::int as held from journal_postings
       where account = ${`client_funds_held:${past.id}`}`;
    expect(held!.held).toBe(0);
    await expectLedgerBalanced(stack);
    expectNoPageErrors(stack);
  });

  it("an admin marks a no-show and rejects it, then settles a client's dispute with a partial refund", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "consultation-dispute");
    const met = await bookAndPay(stack, LUCAS, new Date(Date.now() - 30_000));
    await simPost(stack, `/sim/bookings/${met.uid}/end`, {});
    await waitForStatus(stack, met.id, "completed");

    await page.goto(`${stack.consoleUrl}/consultations/${met.id}`);
    const status = (value: string) =>
      page.getByTestId("consultation-status").and(page.locator(`[data-status="${value}"]`));
    await status("completed").waitFor();
    await page.getByRole("button", { name: "Mark no-show" }).click();
    const mark = page.getByRole("dialog", { name: "Mark no-show" });
    await mark.getByText("The client", { exact: true }).click();
    await mark
      .getByRole("textbox", { name: "Reason" })
      .fill("Cal.com shows the client never joined.");
    await mark.getByRole("button", { name: "Mark no-show" }).click();
    await status("no_show_client").waitFor();

    await page.getByRole("button", { name: "Reject no-show" }).click();
    const reject = page.getByRole("dialog", { name: "Reject the no-show report" });
    await reject.getByRole("textbox", { name: "Reason" }).fill("The recording shows both there.");
    await reject.getByRole("button", { name: "Reject" }).click();
    await status("completed").waitFor();

    const sam = await apiClientFor(stack, SAM);
    await sam.consultations.openDispute.mutate({
      consultationId: met.id,
      reason: "The advice was off-topic for most of the hour.",
    });
    await page.reload();
    await status("disputed").waitFor();
    await page.getByRole("button", { name: "Resolve dispute" }).click();
    const resolve = page.getByRole("dialog", { name: "Resolve dispute" });
    await resolve.getByRole("textbox", { name: "Refund to the client" }).fill("40");
    await resolve.getByRole("textbox", { name: "Reason" }).fill("Half the hour was off-topic.");
    await resolve.getByRole("button", { name: "Resolve dispute" }).click();
    await page
      .getByText("Dispute resolved. Now Released. $40.00 goes back to the client.")
      .waitFor();
    await status("released").waitFor();
    const ledger = page.getByRole("region", { name: "Ledger entries" });
    await ledger.locator('[data-ledger-entry="release"]').waitFor();
    await screenshot(stack, "consultation-dispute");

    const refunds = await t.sql<{ amount: number }[]>`
      select amount from refunds where consultation_id = ${met.id}`;
    expect(refunds).toEqual([{ amount: 4_000 }]);
    const timeline = await t.sql<{ type: string; to_status: string }[]>`
      select type, to_status from consultation_events
       where consultation_id = ${met.id} and applied and actor = 'admin' order by id`;
    expect(timeline).toEqual([
      { type: "no_show_reported", to_status: "no_show_client" },
      { type: "no_show_resolved", to_status: "completed" },
      { type: "dispute_resolved", to_status: "released" },
    ]);
    await expectLedgerBalanced(stack);
    expectNoPageErrors(stack);
  });

  it("a charge that isn't the quote is recorded as charged and an admin refunds exactly it from the console", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "consultation-unapplied-charge");
    const wrong = await bookAndPay(stack, AMIRA, new Date(Date.now() + 96 * HOUR), {
      charge: 100,
    });
    // Not confirmed, and the payment row holds what the provider took, not the quote.
    await waitForStatus(stack, wrong.id, "awaiting_payment");
    const [payment] = await t.sql<{ id: string; amount: number; currency: string }[]>`
      select id, amount, currency from payments where consultation_id = ${wrong.id} and status = 'paid'`;
    expect(payment).toMatchObject({ amount: 100, currency: "USD" });
    expect(wrong.price).not.toBe(100);

    // Signed in already when the earlier tests ran; on its own, sign in first.
    if (page.url().startsWith(stack.consoleUrl)) {
      await page.goto(`${stack.consoleUrl}/consultations/${wrong.id}`);
    } else {
      await signInAsAdmin(stack, `/consultations/${wrong.id}`);
    }
    await page
      .getByTestId("consultation-status")
      .and(page.locator('[data-status="awaiting_payment"]'))
      .waitFor();
    const paidRow = page
      .getByRole("table", { name: "Payment sessions" })
      .locator('tr[data-payment-status="paid"]');
    await paidRow.getByText("Not applied").waitFor();
    await paidRow.getByText("$1.00").waitFor();
    // The consultation's own refund isn't offered: nothing of it was paid.
    await expect(page.getByRole("button", { name: "Refund", exact: true }).count()).resolves.toBe(
      0,
    );

    await page.getByRole("button", { name: "Refund charge of $1.00" }).click();
    const dialog = page.getByRole("dialog", { name: "Refund an unapplied charge" });
    await dialog
      .getByText(
        /^The provider charged \$1\.00, which this consultation didn't accept: its quote is \$150\.00\./,
      )
      .waitFor();
    await dialog.getByTestId("charge-refund-amount").getByText("$1.00").waitFor();
    await dialog.getByText("unapplied_payment").waitFor();
    await dialog
      .getByRole("textbox", { name: "Reason" })
      .fill("Charged $1.00 instead of the quote; returning it.");
    await screenshot(stack, "consultation-unapplied-charge-preview");
    await dialog.getByRole("button", { name: "Refund $1.00" }).click();
    await page
      .getByText("Refund of $1.00 recorded; the provider is returning it to the client.")
      .waitFor();
    await dialog.waitFor({ state: "hidden" });
    await page
      .getByRole("button", { name: "Refund charge of $1.00" })
      .waitFor({ state: "detached" });

    // The worker asks the provider for exactly that charge; its webhook settles the row.
    await expect
      .poll(
        async () =>
          t.sql<{ amount: number; currency: string; payment_id: string; status: string }[]>`
            select amount, currency, payment_id, status from refunds
             where consultation_id = ${wrong.id}`,
        { timeout: WEBHOOK_WAIT_MS },
      )
      .toEqual([{ amount: 100, currency: "USD", payment_id: payment!.id, status: "succeeded" }]);
    await page.getByRole("table", { name: "Refund rows" }).getByText("succeeded").waitFor({
      timeout: WEBHOOK_WAIT_MS,
    });
    const [atProvider] = await t.sql<{ amount_refunded: number }[]>`
      select (data->'charge'->>'amount_refunded')::int as amount_refunded from sim_objects
       where kind = 'charge' and data->'charge'->>'payment_intent' = (
         select payment_intent_id from payments where id = ${payment!.id})`;
    expect(atProvider?.amount_refunded).toBe(100);
    const [suspense] = await t.sql<{ balance: number }[]>`
      select coalesce(sum(amount), 0)::int as balance from journal_postings
       where account = ${`unapplied_payment:${payment!.id}`}`;
    expect(suspense!.balance).toBe(0);
    const open = await t.sql`
      select id from security_incidents
       where consultation_id = ${wrong.id} and kind = 'amount_mismatch' and resolved_at is null`;
    expect(open).toEqual([]);
    await screenshot(stack, "consultation-unapplied-charge");
    await expectLedgerBalanced(stack);
    expectNoPageErrors(stack);
  });

  it("an admin resolves an open security incident with a note", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "incidents");
    const incident = await t.db.transaction((tx) =>
      raiseIncident(tx, {
        kind: "amount_mismatch",
        dedupeKey: `e2e:${paid.id}`,
        message: "Paid 100 USD but the quote was 120 USD; not confirmed.",
        consultationId: paid.id,
        details: { paid: 10_000, quoted: 12_000 },
      }),
    );

    await page.goto(`${stack.consoleUrl}/consultations`);
    await page.getByRole("link", { name: "Security incidents" }).click();
    const open = page.getByRole("table", { name: "Open incidents" });
    const row = open.locator(`tr[data-incident-id="${incident.id}"]`);
    await row.getByText("Amount differs from the quote").waitFor();
    await row.getByRole("button", { name: /^Resolve the incident/ }).click();
    const dialog = page.getByRole("dialog", { name: "Resolve incident" });
    await dialog
      .getByRole("textbox", { name: "Resolution" })
      .fill("Test data; the charge was refunded.");
    await dialog.getByRole("button", { name: "Resolve" }).click();
    await page.getByText("Incident resolved.").waitFor();
    await row.waitFor({ state: "detached" });
    const resolved = page
      .getByRole("table", { name: "Resolved incidents" })
      .locator(`tr[data-incident-id="${incident.id}"]`);
    await resolved.getByText("Test data; the charge was refunded.").waitFor();
    await screenshot(stack, "incidents");

    const [stored] = await t.sql<{ resolved_by: string; resolution: string }[]>`
      select resolved_by, resolution from security_incidents where id = ${incident.id}`;
    expect(stored).toEqual({
      resolved_by: "demo|admin",
      resolution: "Test data; the charge was refunded.",
    });
    expectNoPageErrors(stack);
  });
});
