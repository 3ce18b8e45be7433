import { DEMO_USERS, findUnbalancedEntries } from "@an/db";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  ADMIN_EMAIL,
  apiClientFor,
  expectNoPageErrors,
  screenshot,
  screenshotOnFailure,
  signInAsAdmin,
  type Stack,
  useStack,
} from "./stack";

const SAM = { id: "demo|client-sam", email: "sam@demo.advisor.network" };

const stack = useStack();

/** A webhook round trip (simulator → worker delivery → our route → sync job), or a poll. */
const WEBHOOK_WAIT_MS = 30_000;
/** The walk-through waits on many round trips in a row: more than the default. */
const WALKTHROUGH_TIMEOUT_MS = 300_000;

/** Starter is $19 a month, Pro $49: switching mid-period charges the prorated difference. */
const STARTER_USD_MONTH = 1_900;
const PRO_USD_MONTH = 4_900;

/** Clicks a link that opens in a new tab and returns that tab, loaded. */
async function openInNewTab(page: Page, scope: Locator, name: string): Promise<Page> {
  const [tab] = await Promise.all([
    page.context().waitForEvent("page"),
    scope.getByRole("link", { name }).click(),
  ]);
  await tab.waitForLoadState();
  return tab;
}

async function expectLedgerBalanced(s: Stack): Promise<void> {
  expect(await findUnbalancedEntries(s.t.db)).toEqual([]);
  const [totals] = await s.t.sql<{ off: number }[]>`
    select count(*)::int as off from (
      select currency from journal_postings group by currency having sum(amount) <> 0
    ) t`;
  expect(totals!.off).toBe(0);
}

/** Creates the Starter plan on the Plans page, as an operator would. */
async function createStarterInConsole(page: Page): Promise<void> {
  await page.getByRole("heading", { name: "Plans" }).waitFor();
  await page.getByRole("button", { name: "New plan" }).click();
  const form = page.getByRole("form", { name: "New plan" });
  await form.getByRole("textbox", { name: "Key" }).fill("starter");
  await form.getByRole("textbox", { name: "Name (EN)" }).fill("Starter");
  await form.getByRole("textbox", { name: "Description (EN)" }).fill("Up to three advisors");
  await form.getByRole("textbox", { name: "Name (FR)" }).fill("Essentiel");
  await form.getByRole("textbox", { name: "Description (FR)" }).fill("Jusqu'à trois conseillers");
  await form.getByRole("textbox", { name: "Amount" }).fill(String(STARTER_USD_MONTH / 100));
  await form.getByRole("textbox", { name: "Reason" }).fill("Launch the entry plan");
  await form.getByRole("button", { name: "Create plan" }).click();
  await page.getByText("Plan starter created.").waitFor();
  const card = page.locator('[data-plan-key="starter"]');
  await card.getByRole("cell", { name: "$19.00" }).waitFor();
}

describe("subscriptions", () => {
  it(
    "a client subscribes, upgrades on the portal and cancels at period end; the console shows it",
    async () => {
      const { page, t } = stack;
      screenshotOnFailure(stack, "subscriptions");
      const adminUser = DEMO_USERS.find((u) => u.email === ADMIN_EMAIL);
      if (!adminUser) throw new Error("no demo admin");
      const admin = await apiClientFor(stack, { id: adminUser.id, email: ADMIN_EMAIL });

      // The plans: Starter through the console's Plans page, Pro through the API.
      await signInAsAdmin(stack, "/plans");
      await createStarterInConsole(page);
      await admin.billingAdmin.createPlan.mutate({
        key: "pro",
        // English only: the other locales are optional.
        texts: { en: { name: "Pro", description: "Up to ten advisors" } },
        entitlements: { inviteAdvisors: true, maxAdvisorsPerProject: 10, buyPasses: true },
        prices: [{ currency: "USD", interval: "month", amount: PRO_USD_MONTH, trialDays: 0 }],
        reason: "Launch the upper plan",
      });
      await screenshot(stack, "subscriptions-plans");

      // The sandbox acts as Sam.
      await page.goto(`${stack.consoleUrl}/sandbox`);
      await page.getByRole("combobox", { name: "Demo client" }).selectOption(SAM.email);
      await page.getByRole("button", { name: "Act as this client" }).click();
      await page.getByTestId("sandbox-acting-as").getByText("Sam").waitFor();
      const card = page.getByTestId("sandbox-subscription");
      await card.getByTestId("sandbox-subscription-none").waitFor();
      // No customer at the simulated Stripe before the first checkout: said, not an error.
      await card.getByTestId("sandbox-subscription-no-customer").waitFor();
      expect(await card.getByRole("alert").count()).toBe(0);

      // Subscribe to Starter, monthly in USD, and pay on the simulated Checkout.
      await card.getByRole("combobox", { name: "Plan" }).selectOption({ label: "Starter" });
      await card.getByRole("combobox", { name: "Price" }).selectOption("USD:month");
      await card.getByRole("button", { name: "Subscribe" }).click();
      const checkout = await openInNewTab(page, card, "Pay on the simulated checkout");
      await checkout.getByText("Due today: $19.00").waitFor();
      await checkout.getByRole("button", { name: "Pay and subscribe" }).click();
      // Paid, Checkout sends the client to the success URL (the API's origin here: the
      // stack's API has no CLIENT_APP_URL). Coming back to the sandbox with its query syncs
      // at once, as it does in development where that URL is the console's sandbox.
      await checkout.waitForURL(/[?&]billing=returned&session_id=cs_/);
      const back = new URL(checkout.url());
      await checkout.close();
      await page.goto(`${stack.consoleUrl}/sandbox${back.search}`);
      await page.waitForURL((url) => url.pathname === "/sandbox" && url.search === "");
      await card
        .getByTestId("sandbox-subscription-badge")
        .and(page.locator('[data-status="active"]'))
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await card.getByTestId("sandbox-subscription-plan").getByText("Starter").waitFor();
      await card
        .getByTestId("sandbox-subscription-entitlements")
        .getByText("Invites advisors (up to 3 per project)", { exact: false })
        .waitFor();
      await screenshot(stack, "subscriptions-subscribed");

      // The customer portal: switch to Pro, an upgrade, prorated now.
      await card.getByRole("button", { name: "Open the customer portal" }).click();
      const portal = await openInNewTab(page, card, "Go to the simulated customer portal");
      await portal.getByRole("button", { name: /^Pro .*upgrade now \(prorated\)/ }).click();
      await portal.waitForLoadState();
      await portal.close();
      await card
        .getByTestId("sandbox-subscription-plan")
        .getByText("Pro")
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await card
        .getByTestId("sandbox-subscription-entitlements")
        .getByText("Invites advisors (up to 10 per project)", { exact: false })
        .waitFor({ timeout: WEBHOOK_WAIT_MS });

      // Cancel at the period's end: still active until then.
      await card.getByRole("button", { name: "Cancel at period end" }).click();
      await card.getByTestId("sandbox-subscription-canceling").waitFor();
      await card.getByRole("button", { name: "Resume" }).waitFor();
      await screenshot(stack, "subscriptions-canceling");

      // What the database holds once the webhooks are in: one live subscription on Pro,
      // canceling at period end, and the two paid invoices posted to the ledger.
      await expect
        .poll(
          async () => {
            const rows = await t.sql<{ invoices: number }[]>`
              select count(*)::int as invoices from subscription_invoices
               where user_id = ${SAM.id} and status = 'paid' and posted_paid = amount_paid`;
            return rows[0]!.invoices;
          },
          { timeout: WEBHOOK_WAIT_MS },
        )
        .toBe(2);
      const subs = await t.sql<
        { status: string; plan_key: string; cancel_at_period_end: boolean; amount: number }[]
      >`
        select s.status, p.key as plan_key, s.cancel_at_period_end, s.amount::int as amount
          from subscriptions s join plans p on p.id = s.plan_id
         where s.user_id = ${SAM.id}`;
      expect(subs).toEqual([
        { status: "active", plan_key: "pro", cancel_at_period_end: true, amount: PRO_USD_MONTH },
      ]);
      const invoices = await t.sql<
        { billing_reason: string; amount_paid: number; currency: string }[]
      >`
        select billing_reason, amount_paid::int as amount_paid, currency
          from subscription_invoices where user_id = ${SAM.id} order by invoice_created_at`;
      expect(invoices.map((i) => i.billing_reason)).toEqual([
        "subscription_create",
        "subscription_update",
      ]);
      expect(invoices[0]!.amount_paid).toBe(STARTER_USD_MONTH);
      // The proration: more than nothing, less than a whole month of the difference.
      expect(invoices[1]!.amount_paid).toBeGreaterThan(0);
      expect(invoices[1]!.amount_paid).toBeLessThanOrEqual(PRO_USD_MONTH - STARTER_USD_MONTH);
      const paid = invoices.reduce((sum, i) => sum + i.amount_paid, 0);
      const [revenue] = await t.sql<{ entries: number; credited: number }[]>`
        select count(distinct e.id)::int as entries, coalesce(-sum(p.amount), 0)::int as credited
          from journal_entries e join journal_postings p on p.entry_id = e.id
         where e.kind = 'subscription_payment' and p.account = 'subscription_revenue'`;
      expect(revenue).toEqual({ entries: 2, credited: paid });
      await expectLedgerBalanced(stack);

      // The console's Subscribers page as the admin: Sam on Pro, canceling, with the invoices.
      await page.goto(`${stack.consoleUrl}/subscribers`);
      await page.getByRole("heading", { name: "Subscribers" }).waitFor();
      const row = page.locator(`tr[data-user-id="${SAM.id}"]`);
      await row.getByText("Pro").waitFor();
      await row.getByText("Cancels at the end of the period").waitFor();
      await row.getByRole("link", { name: /Open the subscription of/ }).click();
      const status = page.getByTestId("subscriber-status");
      await status.getByTestId("subscriber-plan").getByText("Pro", { exact: true }).waitFor();
      expect(await status.getByTestId("subscriber-canceling").textContent()).toBe("Yes");
      await status
        .getByTestId("subscriber-status-badge")
        .and(page.locator('[data-status="active"]'))
        .waitFor();
      const invoiceRows = page.getByTestId("subscriber-invoices").locator("tbody tr");
      expect(await invoiceRows.count()).toBe(2);
      await page
        .getByTestId("subscriber-invoices")
        .getByRole("cell", { name: "$19.00" })
        .first()
        .waitFor();
      // Re-syncing finds nothing to change: the webhooks brought everything.
      await page.getByRole("button", { name: "Re-sync from Stripe" }).click();
      await page
        .getByTestId("subscriber-resync-result")
        .getByText("Re-synced: everything already matched Stripe")
        .waitFor();

      // A complimentary plan, granted and revoked with reasons.
      const grants = page.getByRole("region", { name: "Complimentary plans" });
      await grants.getByRole("button", { name: "Grant a plan" }).click();
      const grantForm = page.getByRole("form", { name: "Grant a plan" });
      await grantForm.getByRole("combobox", { name: "Plan" }).selectOption("starter");
      await grantForm.getByRole("textbox", { name: "Reason" }).fill("Thanks for the beta feedback");
      await grantForm.getByRole("button", { name: "Grant a plan" }).click();
      await grants.getByRole("cell", { name: "Thanks for the beta feedback" }).waitFor();
      await grants.getByRole("cell", { name: "Current" }).waitFor();
      await grants.getByRole("button", { name: "Revoke" }).click();
      const revokeDialog = page.getByRole("dialog", { name: "Revoke this complimentary plan" });
      await revokeDialog.getByRole("textbox", { name: "Reason" }).fill("Granted by mistake");
      await revokeDialog.getByRole("button", { name: "Revoke" }).click();
      await grants.getByRole("cell", { name: /^Revoked .*: Granted by mistake$/ }).waitFor();
      const [grant] = await t.sql<{ reason: string; revoke_reason: string | null }[]>`
        select reason, revoke_reason from complimentary_grants where user_id = ${SAM.id}`;
      expect(grant).toEqual({
        reason: "Thanks for the beta feedback",
        revoke_reason: "Granted by mistake",
      });
      await screenshot(stack, "subscriptions-subscriber");

      // Finance: the subscription revenue beside the consultations' figures, in USD.
      await page.goto(`${stack.consoleUrl}/finance?currency=USD`);
      const usd = new Intl.NumberFormat("en", { style: "currency", currency: "USD" });
      await page
        .getByTestId("tile-subscription-revenue-value")
        .getByText(usd.format(paid / 100), { exact: true })
        .waitFor();
      await page
        .getByTestId("tile-subscription-revenue")
        .getByText("2 invoices paid", { exact: false })
        .waitFor();

      // Back in the sandbox: resume, let the card decline, and move the test clock to the
      // period's end. The renewal fails: past due, with access kept through the grace period.
      await page.goto(`${stack.consoleUrl}/sandbox`);
      await card.getByRole("button", { name: "Resume" }).click();
      await card.getByRole("button", { name: "Cancel at period end" }).waitFor();
      await card.getByRole("combobox", { name: "The card" }).selectOption("declines");
      await expect
        .poll(() => card.getByRole("combobox", { name: "The card" }).inputValue())
        .toBe("declines");
      await card.getByRole("button", { name: "To the end of the period" }).click();
      await card.getByTestId("sandbox-subscription-happened").locator("li").first().waitFor();
      await card
        .getByTestId("sandbox-subscription-badge")
        .and(page.locator('[data-status="past_due"]'))
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await card.getByText("The last payment failed").waitFor();
      await card
        .getByTestId("sandbox-subscription-entitlements")
        .getByText("Invites advisors (up to 10 per project)", { exact: false })
        .waitFor();
      await screenshot(stack, "subscriptions-past-due");
      const [pastDue] = await t.sql<{ status: string; past_due_since: Date | null }[]>`
        select status, past_due_since from subscriptions where user_id = ${SAM.id}`;
      expect(pastDue!.status).toBe("past_due");
      expect(pastDue!.past_due_since).not.toBeNull();
      await expectLedgerBalanced(stack);

      // Retiring Starter takes it off the offer (with a reason, audited); Pro stays.
      await page.goto(`${stack.consoleUrl}/plans`);
      const starter = page.locator('[data-plan-key="starter"]');
      await starter.getByRole("button", { name: "Retire" }).click();
      const dialog = page.getByRole("dialog", { name: "Retire starter" });
      await dialog.getByRole("textbox", { name: "Reason" }).fill("Replaced by Pro");
      await dialog.getByRole("button", { name: "Retire" }).click();
      await starter.locator('[data-status="retired"]').waitFor();
      await starter.getByRole("button", { name: "Reactivate" }).waitFor();
      const offered = await (await apiClientFor(stack, SAM)).billing.plans.query({});
      expect(offered.plans.map((p) => p.key)).toEqual(["pro"]);
      // Every plan change is audited with its reason.
      const audit = await t.sql<{ action: string; reason: string | null }[]>`
        select action, after->>'reason' as reason from audit_log
         where action like 'plan.%' order by id`;
      expect(audit.map((a) => [a.action, a.reason])).toContainEqual([
        "plan.status_set",
        "Replaced by Pro",
      ]);
      expect(audit.map((a) => [a.action, a.reason])).toContainEqual([
        "plan.created",
        "Launch the entry plan",
      ]);

      // The reconciliation with Stripe, run now from the Subscribers page: the worker reads
      // every customer again and finds nothing differing, the webhooks having brought it all.
      await page.goto(`${stack.consoleUrl}/subscribers`);
      await page.getByRole("tab", { name: "Reconciliation with Stripe" }).click();
      const reconciliation = page.getByRole("region", { name: "Reconciliation with Stripe" });
      await reconciliation.getByText("No run yet.").waitFor();
      await reconciliation.getByRole("button", { name: "Run now" }).click();
      const confirm = page.getByRole("dialog", { name: "Run the reconciliation now?" });
      await confirm.getByRole("button", { name: "Run now" }).click();
      await confirm.waitFor({ state: "hidden" });
      const run = page.getByTestId("subscription-reconciliation-runs").locator("tr[data-run-id]");
      await run.and(page.locator('[data-finished="true"]')).waitFor({ timeout: WEBHOOK_WAIT_MS });
      expect(await run.count()).toBe(1);
      expect(await run.getAttribute("data-differing")).toBe("0");
      await run.getByRole("button", { name: "Show differences (0)" }).click();
      await page
        .getByTestId("subscription-reconciliation-differences")
        .getByText("Nothing differed: our records matched Stripe's.")
        .waitFor();
      await screenshot(stack, "subscriptions-reconciliation");
      const [reconciled] = await t.sql<
        {
          requested_by: string | null;
          checked: number;
          differing: number;
          failures: number;
        }[]
      >`
        select requested_by, customers_checked as checked, customers_differing as differing,
               failures
          from billing_reconciliation_runs where finished_at is not null`;
      expect(reconciled).toEqual({
        requested_by: adminUser.id,
        checked: 1,
        differing: 0,
        failures: 0,
      });
      await run.getByRole("cell", { name: adminUser.id }).waitFor();
      expectNoPageErrors(stack);
    },
    WALKTHROUGH_TIMEOUT_MS,
  );
});
