import type {
  SimChargeRecord,
  SimCheckoutRecord,
  SimulatedPayments,
  stripeWire,
} from "@an/billing";
import { formatMoney, isCurrencyCode } from "@an/domain";
import { Router } from "express";
import { z } from "zod";
import { html, type SafeHtml, sendError, sendPage } from "./html";
import { type FormParser, pageAction } from "./page-action";

export type CheckoutPageDeps = { payments: SimulatedPayments; form: FormParser };

const stripeIdParam = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_]{1,100}$`));
const sessionParam = stripeIdParam("cs");
const chargeParam = stripeIdParam("ch");
const disputeParam = stripeIdParam("dp");
const closeForm = z.object({ outcome: z.enum(["won", "lost"]) });

const checkoutHref = (sessionId: string) => `/sim/checkout/${encodeURIComponent(sessionId)}`;

function amountText(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  return isCurrencyCode(code) ? formatMoney({ amount, currency: code }, "en") : `${amount} ${code}`;
}

/** Links back to the client app only when they are plain http(s) URLs. */
function safeLink(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

/**
 * The simulated Stripe Checkout page (pay, fail, abandon) and the card network's side of a
 * payment (open a chargeback, decide it). Each action makes the simulated provider send
 * its Stripe-shaped event to our own webhook route.
 */
export function checkoutPages(deps: CheckoutPageDeps): Router {
  const router = Router();
  const { payments, form } = deps;

  router.get(
    "/sim/checkout/:sessionId",
    pageAction(async (req, res) => {
      const id = sessionParam.safeParse(req.params.sessionId);
      if (!id.success) return sendError(res, 404, "No such checkout session.");
      // Through the port first: a session past its expiry expires now, like Stripe's.
      await payments.retrieveCheckoutSession(id.data);
      const record = await payments.getCheckout(id.data);
      if (!record) return sendError(res, 404, "No such checkout session.");
      const charge = record.chargeId ? await payments.getCharge(record.chargeId) : null;
      const disputes = charge ? await payments.listDisputes(charge.charge.id) : [];
      sendPage(res, 200, "Checkout", checkoutView(record, charge, disputes));
    }),
  );

  const sessionAction = (path: string, run: (sessionId: string) => Promise<SimCheckoutRecord>) =>
    router.post(
      `/sim/checkout/:sessionId/${path}`,
      form,
      pageAction(async (req, res) => {
        const id = sessionParam.safeParse(req.params.sessionId);
        if (!id.success) return sendError(res, 404, "No such checkout session.");
        await run(id.data);
        res.redirect(303, checkoutHref(id.data));
      }),
    );
  sessionAction("pay", (id) => payments.paySession(id));
  sessionAction("fail", (id) => payments.failSession(id));
  sessionAction("abandon", (id) => payments.abandonSession(id));

  router.post(
    "/sim/charges/:chargeId/dispute",
    form,
    pageAction(async (req, res) => {
      const id = chargeParam.safeParse(req.params.chargeId);
      const charge = id.success ? await payments.getCharge(id.data) : null;
      if (!charge) return sendError(res, 404, "No such charge.");
      await payments.openDispute(charge.charge.id);
      res.redirect(303, checkoutHref(charge.sessionId));
    }),
  );

  router.post(
    "/sim/disputes/:disputeId/close",
    form,
    pageAction(async (req, res) => {
      const id = disputeParam.safeParse(req.params.disputeId);
      if (!id.success) return sendError(res, 404, "No such dispute.");
      const input = closeForm.safeParse(req.body ?? {});
      if (!input.success) return sendError(res, 400, "The outcome must be “won” or “lost”.");
      const dispute = await payments.closeDispute(id.data, input.data.outcome);
      const charge = await payments.getCharge(dispute.charge);
      if (!charge) return sendError(res, 404, "No such charge.");
      res.redirect(303, checkoutHref(charge.sessionId));
    }),
  );

  return router;
}

function checkoutView(
  record: SimCheckoutRecord,
  found: SimChargeRecord | null,
  disputes: stripeWire.DisputeObject[],
): SafeHtml {
  const s = record.session;
  const action = (path: string) => `${checkoutHref(s.id)}/${path}`;
  const success = safeLink(s.success_url.replace("{CHECKOUT_SESSION_ID}", s.id));
  const cancel = safeLink(s.cancel_url);
  const state =
    s.status === "open"
      ? "Waiting for payment"
      : s.status === "expired"
        ? "Expired: this page can no longer be paid"
        : s.payment_status === "paid"
          ? "Paid"
          : "Payment failed (delayed payment method declined)";
  return html`<p class="muted">${record.description}</p>
    <p style="font-size:2rem;margin:.5rem 0">${amountText(s.amount_total, s.currency)}</p>
    <p><span class="status">${state}</span></p>
    <dl>
      <dt>Session</dt>
      <dd><code>${s.id}</code></dd>
      <dt>Email</dt>
      <dd>${s.customer_email ?? "none"}</dd>
      <dt>Expires</dt>
      <dd>${new Date(s.expires_at * 1000).toISOString()}</dd>
      ${
        s.payment_intent
          ? html`<dt>Payment intent</dt>
              <dd><code>${s.payment_intent}</code></dd>`
          : ""
      }
    </dl>
    ${
      s.status === "open"
        ? html`<form class="inline" method="post" action="${action("pay")}">
              <button class="primary" type="submit">Pay</button>
            </form>
            <form class="inline" method="post" action="${action("fail")}">
              <button class="danger" type="submit">Fail (delayed payment declined)</button>
            </form>
            <form class="inline" method="post" action="${action("abandon")}">
              <button type="submit">Abandon (session expires)</button>
            </form>
            ${cancel ? html`<p><a href="${cancel}">Back to the app</a></p>` : ""}`
        : html`${s.status === "complete" && success ? html`<p><a href="${success}">Continue to the app</a></p>` : ""}
          ${s.status === "expired" && cancel ? html`<p><a href="${cancel}">Back to the app</a></p>` : ""}`
    }
    ${found ? chargeView(found, disputes) : ""}`;
}

function chargeView(found: SimChargeRecord, disputes: stripeWire.DisputeObject[]): SafeHtml {
  const c = found.charge;
  const open = disputes.some((d) => d.status === "needs_response" || d.status === "under_review");
  return html`<h2>Charge</h2>
    <dl>
      <dt>Charge</dt>
      <dd><code>${c.id}</code></dd>
      <dt>Amount</dt>
      <dd>${amountText(c.amount, c.currency)} (Stripe fee ${amountText(found.fee, c.currency)})</dd>
      <dt>Refunded</dt>
      <dd>${amountText(c.amount_refunded, c.currency)}</dd>
    </dl>
    ${
      c.refunds.data.length > 0
        ? html`<ul>
            ${c.refunds.data.map(
              (r) =>
                html`<li>
                  <code>${r.id}</code>: ${amountText(r.amount, r.currency)}
                  (${r.reason ?? "no reason"})
                </li>`,
            )}
          </ul>`
        : ""
    }
    <h2>Chargebacks</h2>
    ${disputes.map(
      (d) =>
        html`<p>
            <code>${d.id}</code> · ${amountText(d.amount, d.currency)} ·
            <span class="status">${d.status}</span>
          </p>
          ${
            d.status === "needs_response" || d.status === "under_review"
              ? html`<form class="inline" method="post" action="/sim/disputes/${d.id}/close">
                    <input type="hidden" name="outcome" value="won" /><button type="submit">
                      The platform wins
                    </button>
                  </form>
                  <form class="inline" method="post" action="/sim/disputes/${d.id}/close">
                    <input type="hidden" name="outcome" value="lost" /><button
                      class="danger"
                      type="submit"
                    >
                      The platform loses
                    </button>
                  </form>`
              : ""
          }`,
    )}
    ${
      !c.disputed && !open && c.amount_refunded < c.amount
        ? html`<form method="post" action="/sim/charges/${c.id}/dispute">
            <button class="danger" type="submit">
              Open a chargeback (the cardholder disputes)
            </button>
          </form>`
        : ""
    }`;
}
