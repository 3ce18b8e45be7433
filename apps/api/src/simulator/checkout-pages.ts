import type {
  SimChargeRecord,
  SimCheckoutRecord,
  SimulatedPayments,
  stripeWire,
} from "@an/billing";
import { Router } from "express";
import { z } from "zod";
import { html, type Page, type SafeHtml, sendError, sendPage } from "./html";
import { type FormParser, pageAction } from "./page-action";

export type CheckoutPageDeps = { payments: SimulatedPayments; form: FormParser };

const stripeIdParam = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_]{1,100}$`));
const sessionParam = stripeIdParam("cs");
const chargeParam = stripeIdParam("ch");
const disputeParam = stripeIdParam("dp");
const closeForm = z.object({ outcome: z.enum(["won", "lost"]) });

const checkoutHref = (sessionId: string) => `/sim/checkout/${encodeURIComponent(sessionId)}`;

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
    pageAction(async (req, res, page) => {
      const id = sessionParam.safeParse(req.params.sessionId);
      if (!id.success) return sendError(res, page, 404, page.t("simulator.checkout.noSuchSession"));
      // Through the port first: a session past its expiry expires now, like Stripe's.
      await payments.retrieveCheckoutSession(id.data);
      const record = await payments.getCheckout(id.data);
      if (!record) return sendError(res, page, 404, page.t("simulator.checkout.noSuchSession"));
      const charge = record.chargeId ? await payments.getCharge(record.chargeId) : null;
      const disputes = charge ? await payments.listDisputes(charge.charge.id) : [];
      sendPage(
        res,
        page,
        200,
        page.t("simulator.checkout.title"),
        checkoutView(page, record, charge, disputes),
      );
    }),
  );

  const sessionAction = (path: string, run: (sessionId: string) => Promise<SimCheckoutRecord>) =>
    router.post(
      `/sim/checkout/:sessionId/${path}`,
      form,
      pageAction(async (req, res, page) => {
        const id = sessionParam.safeParse(req.params.sessionId);
        if (!id.success) {
          return sendError(res, page, 404, page.t("simulator.checkout.noSuchSession"));
        }
        await run(id.data);
        res.redirect(303, page.href(checkoutHref(id.data)));
      }),
    );
  sessionAction("pay", (id) => payments.paySession(id));
  sessionAction("fail", (id) => payments.failSession(id));
  sessionAction("abandon", (id) => payments.abandonSession(id));

  router.post(
    "/sim/charges/:chargeId/dispute",
    form,
    pageAction(async (req, res, page) => {
      const id = chargeParam.safeParse(req.params.chargeId);
      const charge = id.success ? await payments.getCharge(id.data) : null;
      if (!charge) return sendError(res, page, 404, page.t("simulator.checkout.noSuchCharge"));
      await payments.openDispute(charge.charge.id);
      res.redirect(303, page.href(checkoutHref(charge.sessionId)));
    }),
  );

  router.post(
    "/sim/disputes/:disputeId/close",
    form,
    pageAction(async (req, res, page) => {
      const id = disputeParam.safeParse(req.params.disputeId);
      if (!id.success) return sendError(res, page, 404, page.t("simulator.checkout.noSuchDispute"));
      const input = closeForm.safeParse(req.body ?? {});
      if (!input.success) {
        return sendError(res, page, 400, page.t("simulator.checkout.outcomeInvalid"));
      }
      const dispute = await payments.closeDispute(id.data, input.data.outcome);
      const charge = await payments.getCharge(dispute.charge);
      if (!charge) return sendError(res, page, 404, page.t("simulator.checkout.noSuchCharge"));
      res.redirect(303, page.href(checkoutHref(charge.sessionId)));
    }),
  );

  return router;
}

const DISPUTE_STATUSES = ["needs_response", "under_review", "won", "lost"];

function checkoutView(
  page: Page,
  record: SimCheckoutRecord,
  found: SimChargeRecord | null,
  disputes: stripeWire.DisputeObject[],
): SafeHtml {
  const { t } = page;
  const s = record.session;
  const action = (path: string) => `${checkoutHref(s.id)}/${path}`;
  const success = safeLink(s.success_url.replace("{CHECKOUT_SESSION_ID}", s.id));
  const cancel = safeLink(s.cancel_url);
  const state =
    s.status === "open"
      ? t("simulator.checkout.state.open")
      : s.status === "expired"
        ? t("simulator.checkout.state.expired")
        : s.payment_status === "paid"
          ? t("simulator.checkout.state.paid")
          : t("simulator.checkout.state.failed");
  return html`<p class="muted"><bdi>${record.description}</bdi></p>
    <p class="amount">${page.money(s.amount_total, s.currency)}</p>
    <p><span class="status">${state}</span></p>
    <dl>
      <dt>${t("simulator.checkout.session")}</dt>
      <dd><code>${s.id}</code></dd>
      <dt>${t("simulator.common.email")}</dt>
      <dd>
        ${s.customer_email ? html`<bdi>${s.customer_email}</bdi>` : t("simulator.common.none")}
      </dd>
      <dt>${t("simulator.checkout.expires")}</dt>
      <dd>${page.dateTime(new Date(s.expires_at * 1000))}</dd>
      ${
        s.payment_intent
          ? html`<dt>${t("simulator.checkout.paymentIntent")}</dt>
              <dd><code>${s.payment_intent}</code></dd>`
          : ""
      }
    </dl>
    ${
      s.status === "open"
        ? html`<form class="inline" method="post" action="${action("pay")}">
              ${page.field}
              <button class="primary" type="submit">${t("simulator.checkout.pay")}</button>
            </form>
            <form class="inline" method="post" action="${action("fail")}">
              ${page.field}
              <button class="danger" type="submit">${t("simulator.checkout.fail")}</button>
            </form>
            <form class="inline" method="post" action="${action("abandon")}">
              ${page.field}
              <button type="submit">${t("simulator.common.abandon")}</button>
            </form>
            ${cancel ? html`<p><a href="${cancel}">${t("simulator.common.backToApp")}</a></p>` : ""}`
        : html`${s.status === "complete" && success ? html`<p><a href="${success}">${t("simulator.common.continueToApp")}</a></p>` : ""}
          ${s.status === "expired" && cancel ? html`<p><a href="${cancel}">${t("simulator.common.backToApp")}</a></p>` : ""}`
    }
    ${found ? chargeView(page, found, disputes) : ""}`;
}

function chargeView(
  page: Page,
  found: SimChargeRecord,
  disputes: stripeWire.DisputeObject[],
): SafeHtml {
  const { t } = page;
  const c = found.charge;
  const open = disputes.some((d) => d.status === "needs_response" || d.status === "under_review");
  return html`<h2>${t("simulator.checkout.charge")}</h2>
    <dl>
      <dt>${t("simulator.checkout.charge")}</dt>
      <dd><code>${c.id}</code></dd>
      <dt>${t("simulator.checkout.amount")}</dt>
      <dd>
        ${page.tx("simulator.checkout.amountWithFee", {
          amount: page.money(c.amount, c.currency),
          fee: page.money(found.fee, c.currency),
        })}
      </dd>
      <dt>${t("simulator.checkout.refunded")}</dt>
      <dd>${page.money(c.amount_refunded, c.currency)}</dd>
    </dl>
    ${
      c.refunds.data.length > 0
        ? html`<ul>
            ${c.refunds.data.map(
              (r) =>
                html`<li>
                  <code>${r.id}</code>:
                  ${page.tx("simulator.checkout.refund", {
                    amount: page.money(r.amount, r.currency),
                    reason: r.reason
                      ? html`<bdi>${r.reason}</bdi>`
                      : t("simulator.checkout.noReason"),
                  })}
                </li>`,
            )}
          </ul>`
        : ""
    }
    <h2>${t("simulator.checkout.chargebacks")}</h2>
    ${disputes.map(
      (d) =>
        html`<p>
            <code>${d.id}</code> · ${page.money(d.amount, d.currency)} ·
            <span class="status"
              >${DISPUTE_STATUSES.includes(d.status) ? t(`simulator.checkout.dispute.${d.status}`) : html`<bdi>${d.status}</bdi>`}</span
            >
          </p>
          ${
            d.status === "needs_response" || d.status === "under_review"
              ? html`<form class="inline" method="post" action="/sim/disputes/${d.id}/close">
                    ${page.field}
                    <input type="hidden" name="outcome" value="won" /><button type="submit">
                      ${t("simulator.checkout.platformWins")}
                    </button>
                  </form>
                  <form class="inline" method="post" action="/sim/disputes/${d.id}/close">
                    ${page.field}
                    <input type="hidden" name="outcome" value="lost" /><button
                      class="danger"
                      type="submit"
                    >
                      ${t("simulator.checkout.platformLoses")}
                    </button>
                  </form>`
              : ""
          }`,
    )}
    ${
      !c.disputed && !open && c.amount_refunded < c.amount
        ? html`<form method="post" action="/sim/charges/${c.id}/dispute">
            ${page.field}
            <button class="danger" type="submit">${t("simulator.checkout.openChargeback")}</button>
          </form>`
        : ""
    }`;
}
