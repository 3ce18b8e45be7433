import {
  type ProviderInvoice,
  SIM_CARDS,
  type SimCard,
  type SimCheckoutView,
  type SimPortalView,
  type SimPriceView,
  type SimulatedSubscriptions,
} from "@an/billing";
import { formatMoney, isCurrencyCode } from "@an/domain";
import { Router } from "express";
import { z } from "zod";
import { html, type SafeHtml, sendError, sendPage } from "./html";
import { type FormParser, pageAction } from "./page-action";

export type BillingPageDeps = { subscriptions: SimulatedSubscriptions; form: FormParser };

const stripeIdParam = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_]{1,100}$`));
const sessionParam = stripeIdParam("cs");
const portalParam = stripeIdParam("bps");
const invoiceParam = stripeIdParam("in");
const switchForm = z.object({ priceId: stripeIdParam("price") });
const cardForm = z.object({ card: z.enum(SIM_CARDS) });
const cancelForm = z.object({ when: z.enum(["period_end", "now"]) });

const checkoutHref = (id: string) => `/sim/billing/checkout/${encodeURIComponent(id)}`;
const portalHref = (id: string) => `/sim/billing/portal/${encodeURIComponent(id)}`;
const invoiceHref = (id: string) => `/sim/billing/invoices/${encodeURIComponent(id)}`;

const CARD_LABELS: Record<SimCard, string> = {
  succeeds: "Card that pays (4242)",
  declines: "Card that is declined (0341)",
  requires_action: "Card that requires 3-D Secure (3184)",
};

function amountText(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  return isCurrencyCode(code) ? formatMoney({ amount, currency: code }, "en") : `${amount} ${code}`;
}

const priceText = (p: SimPriceView) => `${amountText(p.amount, p.currency)} / ${p.interval}`;

/** A plain http(s) URL, or null (never a `javascript:` link back to the app). */
function httpUrl(url: string | null | undefined): URL | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed : null;
  } catch {
    return null;
  }
}

const originsOf = (...urls: (string | null | undefined)[]) =>
  urls.map(httpUrl).flatMap((u) => (u ? [u.origin] : []));

/**
 * The simulated Stripe Billing pages: subscription Checkout (Pay / Abandon), the customer
 * portal (switch plan among the allowed prices, update the card, cancel) and the hosted
 * invoice page (pay an open invoice). Each action makes the simulated Stripe send its
 * events to our own webhook route, as the real pages would.
 */
export function billingPages(deps: BillingPageDeps): Router {
  const router = Router();
  const { subscriptions, form } = deps;

  router.get(
    "/sim/billing/checkout/:sessionId",
    pageAction(async (req, res) => {
      const id = sessionParam.safeParse(req.params.sessionId);
      const view = id.success ? await subscriptions.getCheckoutView(id.data) : null;
      if (!view) return sendError(res, 404, "No such checkout session.");
      sendPage(res, 200, "Subscribe", checkoutView(view), {
        formRedirectOrigins: originsOf(view.session.success_url, view.session.cancel_url),
      });
    }),
  );

  router.post(
    "/sim/billing/checkout/:sessionId/pay",
    form,
    pageAction(async (req, res) => {
      const id = sessionParam.safeParse(req.params.sessionId);
      if (!id.success) return sendError(res, 404, "No such checkout session.");
      const record = await subscriptions.completeCheckout(id.data);
      const s = record.session;
      // Stripe fills the placeholder in the success URL with the session's id.
      const success = httpUrl(s.success_url.replaceAll("{CHECKOUT_SESSION_ID}", s.id));
      res.redirect(303, success ? success.href : checkoutHref(s.id));
    }),
  );

  router.post(
    "/sim/billing/checkout/:sessionId/abandon",
    form,
    pageAction(async (req, res) => {
      const id = sessionParam.safeParse(req.params.sessionId);
      if (!id.success) return sendError(res, 404, "No such checkout session.");
      const record = await subscriptions.abandonCheckout(id.data);
      const cancel = httpUrl(record.session.cancel_url);
      res.redirect(303, cancel ? cancel.href : checkoutHref(id.data));
    }),
  );

  router.get(
    "/sim/billing/portal/:portalId",
    pageAction(async (req, res) => {
      const id = portalParam.safeParse(req.params.portalId);
      const view = id.success ? await subscriptions.getPortalSession(id.data) : null;
      if (!view) return sendError(res, 404, "No such portal session.");
      sendPage(res, 200, "Manage your subscription", portalView(view));
    }),
  );

  const portalAction = <T>(
    path: string,
    schema: z.ZodType<T>,
    invalid: string,
    run: (portalSessionId: string, input: T) => Promise<unknown>,
  ) =>
    router.post(
      `/sim/billing/portal/:portalId/${path}`,
      form,
      pageAction(async (req, res) => {
        const id = portalParam.safeParse(req.params.portalId);
        if (!id.success) return sendError(res, 404, "No such portal session.");
        const input = schema.safeParse(req.body ?? {});
        if (!input.success) {
          return sendError(res, 400, invalid, { href: portalHref(id.data), label: "Back" });
        }
        await run(id.data, input.data);
        res.redirect(303, portalHref(id.data));
      }),
    );
  portalAction("switch", switchForm, "Choose one of the plans offered.", (portalSessionId, i) =>
    subscriptions.portalSwitchPrice({ portalSessionId, priceId: i.priceId }),
  );
  portalAction("card", cardForm, "Choose one of the cards offered.", (portalSessionId, i) =>
    subscriptions.portalSetCard({ portalSessionId, card: i.card }),
  );
  portalAction("cancel", cancelForm, "Cancel at the period's end or now.", (portalSessionId, i) =>
    subscriptions.portalCancel({ portalSessionId, atPeriodEnd: i.when === "period_end" }),
  );

  router.get(
    "/sim/billing/invoices/:invoiceId",
    pageAction(async (req, res) => {
      const id = invoiceParam.safeParse(req.params.invoiceId);
      const invoice = id.success ? await subscriptions.getInvoice(id.data) : null;
      if (!invoice) return sendError(res, 404, "No such invoice.");
      const card = await subscriptions.getCard(invoice.customerId);
      sendPage(res, 200, "Invoice", invoiceView(invoice, card));
    }),
  );

  router.post(
    "/sim/billing/invoices/:invoiceId/pay",
    form,
    pageAction(async (req, res) => {
      const id = invoiceParam.safeParse(req.params.invoiceId);
      if (!id.success) return sendError(res, 404, "No such invoice.");
      await subscriptions.payInvoice(id.data);
      res.redirect(303, invoiceHref(id.data));
    }),
  );

  return router;
}

function checkoutView(view: SimCheckoutView): SafeHtml {
  const s = view.session;
  const action = (path: string) => `${checkoutHref(s.id)}/${path}`;
  const success = httpUrl(s.success_url.replaceAll("{CHECKOUT_SESSION_ID}", s.id));
  const cancel = httpUrl(s.cancel_url);
  const state =
    s.status === "open"
      ? "Waiting for payment"
      : s.status === "expired"
        ? "Expired: this page can no longer be paid"
        : "Subscribed";
  return html`<p class="muted">${view.price.productName}</p>
    <p style="font-size:2rem;margin:.5rem 0">${priceText(view.price)}</p>
    ${
      view.trialDays > 0
        ? html`<p>
            ${view.trialDays}-day free trial: nothing is charged today; the first payment is due
            when the trial ends.
          </p>`
        : html`<p>Due today: ${amountText(s.amount_total, s.currency)}</p>`
    }
    <p><span class="status">${state}</span></p>
    <dl>
      <dt>Session</dt>
      <dd><code>${s.id}</code></dd>
      <dt>Customer</dt>
      <dd><code>${s.customer}</code></dd>
      ${
        s.subscription
          ? html`<dt>Subscription</dt>
              <dd><code>${s.subscription}</code></dd>`
          : ""
      }
    </dl>
    ${
      s.status === "open"
        ? html`<form class="inline" method="post" action="${action("pay")}">
              <button class="primary" type="submit">
                ${view.trialDays > 0 ? "Start trial" : "Pay and subscribe"}
              </button>
            </form>
            <form class="inline" method="post" action="${action("abandon")}">
              <button type="submit">Abandon (session expires)</button>
            </form>`
        : html`${s.status === "complete" && success ? html`<p><a href="${success.href}">Continue to the app</a></p>` : ""}
          ${s.status === "expired" && cancel ? html`<p><a href="${cancel.href}">Back to the app</a></p>` : ""}`
    }`;
}

function portalView(view: SimPortalView): SafeHtml {
  const id = view.session.id;
  const action = (path: string) => `${portalHref(id)}/${path}`;
  const back = httpUrl(view.session.return_url);
  const sub = view.subscription;
  const date = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "none");
  const current = view.current;
  const pendingOption = sub?.pending
    ? view.options.find((o) => o.priceId === sub.pending?.priceId)
    : undefined;
  return html`${
      sub && current
        ? html`<h2>Current plan</h2>
            <p>
              <strong>${current.productName}</strong> · ${priceText(current)} ·
              <span class="status">${sub.status}</span>
            </p>
            <dl>
              <dt>Subscription</dt>
              <dd><code>${sub.id}</code></dd>
              <dt>${sub.status === "trialing" ? "Trial ends" : "Period ends"}</dt>
              <dd>${date(sub.status === "trialing" ? sub.trialEnd : sub.currentPeriodEnd)}</dd>
              ${
                sub.cancelAtPeriodEnd
                  ? html`<dt>Cancellation</dt>
                      <dd>Ends on ${date(sub.cancelAt)}</dd>`
                  : ""
              }
              ${
                sub.pending
                  ? html`<dt>Scheduled change</dt>
                      <dd>
                        ${pendingOption ? pendingOption.productName : sub.pending.priceId} from
                        ${date(sub.pending.at)}
                      </dd>`
                  : ""
              }
              <dt>Card</dt>
              <dd>${sub.card ? `${sub.card.brand} •••• ${sub.card.last4}` : "none"}</dd>
            </dl>
            <h2>Change plan</h2>
            ${view.options.map(
              (o) =>
                html`<form class="inline" method="post" action="${action("switch")}">
                  <input type="hidden" name="priceId" value="${o.priceId}" />
                  <button
                    type="submit"
                    ${o.change === "same" && !sub.pending ? html`disabled` : ""}
                  >
                    ${o.productName} · ${priceText(o)} ·
                    ${
                      o.change === "upgrade"
                        ? "upgrade now (prorated)"
                        : o.change === "downgrade"
                          ? "downgrade at period end"
                          : sub.pending
                            ? "keep this plan"
                            : "current plan"
                    }
                  </button>
                </form>`,
            )}
            <h2>Cancel</h2>
            ${
              sub.cancelAtPeriodEnd
                ? ""
                : html`<form class="inline" method="post" action="${action("cancel")}">
                    <input type="hidden" name="when" value="period_end" />
                    <button type="submit">Cancel at period end</button>
                  </form>`
            }
            <form class="inline" method="post" action="${action("cancel")}">
              <input type="hidden" name="when" value="now" />
              <button class="danger" type="submit">Cancel now</button>
            </form>`
        : html`<p>No active subscription.</p>`
    }
    <h2>Payment method</h2>
    <p>Card on file: ${CARD_LABELS[view.card]}</p>
    ${SIM_CARDS.map(
      (card) =>
        html`<form class="inline" method="post" action="${action("card")}">
          <input type="hidden" name="card" value="${card}" />
          <button type="submit" ${card === view.card ? html`disabled` : ""}>
            Use: ${CARD_LABELS[card]}
          </button>
        </form>`,
    )}
    ${back ? html`<p><a href="${back.href}">Return to the app</a></p>` : ""}`;
}

function invoiceView(invoice: ProviderInvoice, card: SimCard): SafeHtml {
  const due = invoice.amountDue - invoice.amountPaid;
  return html`<p style="font-size:2rem;margin:.5rem 0">
      ${amountText(invoice.status === "paid" ? invoice.amountPaid : due, invoice.currency)}
    </p>
    <p><span class="status">${invoice.status}</span></p>
    <dl>
      <dt>Invoice</dt>
      <dd><code>${invoice.id}</code></dd>
      <dt>Amount due</dt>
      <dd>${amountText(invoice.amountDue, invoice.currency)}</dd>
      <dt>Amount paid</dt>
      <dd>${amountText(invoice.amountPaid, invoice.currency)}</dd>
      <dt>Attempts</dt>
      <dd>${invoice.attemptCount}</dd>
      ${
        invoice.nextPaymentAttempt
          ? html`<dt>Next automatic attempt</dt>
              <dd>${invoice.nextPaymentAttempt.toISOString()}</dd>`
          : ""
      }
      ${
        invoice.paymentIntentStatus
          ? html`<dt>Last payment</dt>
              <dd>${invoice.paymentIntentStatus}</dd>`
          : ""
      }
      <dt>Card on file</dt>
      <dd>${CARD_LABELS[card]}</dd>
    </dl>
    ${
      invoice.status === "open" || invoice.status === "uncollectible"
        ? html`<form method="post" action="${invoiceHref(invoice.id)}/pay">
            <button class="primary" type="submit">Pay ${amountText(due, invoice.currency)}</button>
            <p class="muted">3-D Secure, if the card asks for it, is completed on this page.</p>
          </form>`
        : ""
    }`;
}
