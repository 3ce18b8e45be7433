import {
  type ProviderInvoice,
  SIM_CARDS,
  type SimCard,
  type SimCheckoutView,
  type SimPortalView,
  type SimPriceView,
  type SimulatedSubscriptions,
} from "@an/billing";
import { Router } from "express";
import { z } from "zod";
import { html, type Page, type SafeHtml, sendError, sendPage } from "./html";
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

const CARD_KEYS: Record<SimCard, string> = {
  succeeds: "simulator.billing.card.succeeds",
  declines: "simulator.billing.card.declines",
  requires_action: "simulator.billing.card.requiresAction",
};

const INTERVALS = ["day", "week", "month", "year"];
const SUBSCRIPTION_STATUSES = [
  "active",
  "trialing",
  "past_due",
  "canceled",
  "unpaid",
  "incomplete",
  "incomplete_expired",
  "paused",
];
const INVOICE_STATUSES = ["draft", "open", "paid", "uncollectible", "void"];

/** A provider's enum value in the page's language, or as data when there's no message for it. */
function enumLabel(page: Page, prefix: string, known: string[], value: string): SafeHtml {
  return known.includes(value) ? html`${page.t(`${prefix}.${value}`)}` : html`<bdi>${value}</bdi>`;
}

function priceText(page: Page, p: SimPriceView): SafeHtml {
  return INTERVALS.includes(p.interval)
    ? page.tx(`simulator.billing.per.${p.interval}`, { amount: page.money(p.amount, p.currency) })
    : html`${page.money(p.amount, p.currency)} / <bdi>${p.interval}</bdi>`;
}

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
    pageAction(async (req, res, page) => {
      const id = sessionParam.safeParse(req.params.sessionId);
      const view = id.success ? await subscriptions.getCheckoutView(id.data) : null;
      if (!view) return sendError(res, page, 404, page.t("simulator.checkout.noSuchSession"));
      sendPage(
        res,
        page,
        200,
        page.t("simulator.billing.subscribeTitle"),
        checkoutView(page, view),
        {
          formRedirectOrigins: originsOf(view.session.success_url, view.session.cancel_url),
        },
      );
    }),
  );

  router.post(
    "/sim/billing/checkout/:sessionId/pay",
    form,
    pageAction(async (req, res, page) => {
      const id = sessionParam.safeParse(req.params.sessionId);
      if (!id.success) return sendError(res, page, 404, page.t("simulator.checkout.noSuchSession"));
      const record = await subscriptions.completeCheckout(id.data);
      const s = record.session;
      // Stripe fills the placeholder in the success URL with the session's id.
      const success = httpUrl(s.success_url.replaceAll("{CHECKOUT_SESSION_ID}", s.id));
      res.redirect(303, success ? success.href : page.href(checkoutHref(s.id)));
    }),
  );

  router.post(
    "/sim/billing/checkout/:sessionId/abandon",
    form,
    pageAction(async (req, res, page) => {
      const id = sessionParam.safeParse(req.params.sessionId);
      if (!id.success) return sendError(res, page, 404, page.t("simulator.checkout.noSuchSession"));
      const record = await subscriptions.abandonCheckout(id.data);
      const cancel = httpUrl(record.session.cancel_url);
      res.redirect(303, cancel ? cancel.href : page.href(checkoutHref(id.data)));
    }),
  );

  router.get(
    "/sim/billing/portal/:portalId",
    pageAction(async (req, res, page) => {
      const id = portalParam.safeParse(req.params.portalId);
      const view = id.success ? await subscriptions.getPortalSession(id.data) : null;
      if (!view) return sendError(res, page, 404, page.t("simulator.billing.noSuchPortal"));
      sendPage(res, page, 200, page.t("simulator.billing.portalTitle"), portalView(page, view));
    }),
  );

  const portalAction = <T>(
    path: string,
    schema: z.ZodType<T>,
    invalidKey: string,
    run: (portalSessionId: string, input: T) => Promise<unknown>,
  ) =>
    router.post(
      `/sim/billing/portal/:portalId/${path}`,
      form,
      pageAction(async (req, res, page) => {
        const id = portalParam.safeParse(req.params.portalId);
        if (!id.success) return sendError(res, page, 404, page.t("simulator.billing.noSuchPortal"));
        const input = schema.safeParse(req.body ?? {});
        if (!input.success) {
          return sendError(res, page, 400, page.t(invalidKey), {
            href: portalHref(id.data),
            label: page.t("simulator.common.back"),
          });
        }
        await run(id.data, input.data);
        res.redirect(303, page.href(portalHref(id.data)));
      }),
    );
  portalAction("switch", switchForm, "simulator.billing.invalidPlan", (portalSessionId, i) =>
    subscriptions.portalSwitchPrice({ portalSessionId, priceId: i.priceId }),
  );
  portalAction("card", cardForm, "simulator.billing.invalidCard", (portalSessionId, i) =>
    subscriptions.portalSetCard({ portalSessionId, card: i.card }),
  );
  portalAction("cancel", cancelForm, "simulator.billing.invalidCancel", (portalSessionId, i) =>
    subscriptions.portalCancel({ portalSessionId, atPeriodEnd: i.when === "period_end" }),
  );

  router.get(
    "/sim/billing/invoices/:invoiceId",
    pageAction(async (req, res, page) => {
      const id = invoiceParam.safeParse(req.params.invoiceId);
      const invoice = id.success ? await subscriptions.getInvoice(id.data) : null;
      if (!invoice) return sendError(res, page, 404, page.t("simulator.billing.noSuchInvoice"));
      const card = await subscriptions.getCard(invoice.customerId);
      sendPage(
        res,
        page,
        200,
        page.t("simulator.billing.invoiceTitle"),
        invoiceView(page, invoice, card),
      );
    }),
  );

  router.post(
    "/sim/billing/invoices/:invoiceId/pay",
    form,
    pageAction(async (req, res, page) => {
      const id = invoiceParam.safeParse(req.params.invoiceId);
      if (!id.success) return sendError(res, page, 404, page.t("simulator.billing.noSuchInvoice"));
      await subscriptions.payInvoice(id.data);
      res.redirect(303, page.href(invoiceHref(id.data)));
    }),
  );

  return router;
}

function checkoutView(page: Page, view: SimCheckoutView): SafeHtml {
  const { t } = page;
  const s = view.session;
  const action = (path: string) => `${checkoutHref(s.id)}/${path}`;
  const success = httpUrl(s.success_url.replaceAll("{CHECKOUT_SESSION_ID}", s.id));
  const cancel = httpUrl(s.cancel_url);
  const state =
    s.status === "open"
      ? t("simulator.checkout.state.open")
      : s.status === "expired"
        ? t("simulator.checkout.state.expired")
        : t("simulator.billing.subscribed");
  return html`<p class="muted"><bdi>${view.price.productName}</bdi></p>
    <p class="amount">${priceText(page, view.price)}</p>
    ${
      view.trialDays > 0
        ? html`<p>${t("simulator.billing.trial", { count: view.trialDays })}</p>`
        : html`<p>
            ${page.tx("simulator.billing.dueToday", { amount: page.money(s.amount_total, s.currency) })}
          </p>`
    }
    <p><span class="status">${state}</span></p>
    <dl>
      <dt>${t("simulator.checkout.session")}</dt>
      <dd><code>${s.id}</code></dd>
      <dt>${t("simulator.billing.customer")}</dt>
      <dd><code>${s.customer}</code></dd>
      ${
        s.subscription
          ? html`<dt>${t("simulator.billing.subscription")}</dt>
              <dd><code>${s.subscription}</code></dd>`
          : ""
      }
    </dl>
    ${
      s.status === "open"
        ? html`<form class="inline" method="post" action="${action("pay")}">
              ${page.field}
              <button class="primary" type="submit">
                ${view.trialDays > 0 ? t("simulator.billing.startTrial") : t("simulator.billing.payAndSubscribe")}
              </button>
            </form>
            <form class="inline" method="post" action="${action("abandon")}">
              ${page.field}
              <button type="submit">${t("simulator.common.abandon")}</button>
            </form>`
        : html`${s.status === "complete" && success ? html`<p><a href="${success.href}">${t("simulator.common.continueToApp")}</a></p>` : ""}
          ${s.status === "expired" && cancel ? html`<p><a href="${cancel.href}">${t("simulator.common.backToApp")}</a></p>` : ""}`
    }`;
}

function portalView(page: Page, view: SimPortalView): SafeHtml {
  const { t } = page;
  const id = view.session.id;
  const action = (path: string) => `${portalHref(id)}/${path}`;
  const back = httpUrl(view.session.return_url);
  const sub = view.subscription;
  const date = (d: Date | null) =>
    d
      ? html`<bdi
          >${new Intl.DateTimeFormat(page.locale, { dateStyle: "medium", timeZone: "UTC" }).format(d)}</bdi
        >`
      : html`${t("simulator.common.none")}`;
  const current = view.current;
  const pendingOption = sub?.pending
    ? view.options.find((o) => o.priceId === sub.pending?.priceId)
    : undefined;
  return html`${
      sub && current
        ? html`<h2>${t("simulator.billing.currentPlan")}</h2>
            <p>
              <strong><bdi>${current.productName}</bdi></strong> · ${priceText(page, current)} ·
              <span class="status"
                >${enumLabel(page, "simulator.billing.status", SUBSCRIPTION_STATUSES, sub.status)}</span
              >
            </p>
            <dl>
              <dt>${t("simulator.billing.subscription")}</dt>
              <dd><code>${sub.id}</code></dd>
              <dt>
                ${sub.status === "trialing" ? t("simulator.billing.trialEnds") : t("simulator.billing.periodEnds")}
              </dt>
              <dd>${date(sub.status === "trialing" ? sub.trialEnd : sub.currentPeriodEnd)}</dd>
              ${
                sub.cancelAtPeriodEnd
                  ? html`<dt>${t("simulator.billing.cancellation")}</dt>
                      <dd>${page.tx("simulator.billing.endsOn", { date: date(sub.cancelAt) })}</dd>`
                  : ""
              }
              ${
                sub.pending
                  ? html`<dt>${t("simulator.billing.scheduledChange")}</dt>
                      <dd>
                        ${page.tx("simulator.billing.changeFrom", {
                          plan: html`<bdi
                            >${pendingOption ? pendingOption.productName : sub.pending.priceId}</bdi
                          >`,
                          date: date(sub.pending.at),
                        })}
                      </dd>`
                  : ""
              }
              <dt>${t("simulator.billing.cardLabel")}</dt>
              <dd>
                ${sub.card ? html`<bdi>${sub.card.brand} •••• ${sub.card.last4}</bdi>` : t("simulator.common.none")}
              </dd>
            </dl>
            <h2>${t("simulator.billing.changePlan")}</h2>
            ${view.options.map(
              (o) =>
                html`<form class="inline" method="post" action="${action("switch")}">
                  ${page.field}
                  <input type="hidden" name="priceId" value="${o.priceId}" />
                  <button
                    type="submit"
                    ${o.change === "same" && !sub.pending ? html`disabled` : ""}
                  >
                    <bdi>${o.productName}</bdi> · ${priceText(page, o)} ·
                    ${
                      o.change === "upgrade"
                        ? t("simulator.billing.upgrade")
                        : o.change === "downgrade"
                          ? t("simulator.billing.downgrade")
                          : sub.pending
                            ? t("simulator.billing.keepPlan")
                            : t("simulator.billing.currentPlanOption")
                    }
                  </button>
                </form>`,
            )}
            <h2>${t("simulator.billing.cancelHeading")}</h2>
            ${
              sub.cancelAtPeriodEnd
                ? ""
                : html`<form class="inline" method="post" action="${action("cancel")}">
                    ${page.field}
                    <input type="hidden" name="when" value="period_end" />
                    <button type="submit">${t("simulator.billing.cancelAtPeriodEnd")}</button>
                  </form>`
            }
            <form class="inline" method="post" action="${action("cancel")}">
              ${page.field}
              <input type="hidden" name="when" value="now" />
              <button class="danger" type="submit">${t("simulator.billing.cancelNow")}</button>
            </form>`
        : html`<p>${t("simulator.billing.noSubscription")}</p>`
    }
    <h2>${t("simulator.billing.paymentMethod")}</h2>
    <p>${t("simulator.billing.cardOnFileText", { card: t(CARD_KEYS[view.card]) })}</p>
    ${SIM_CARDS.map(
      (card) =>
        html`<form class="inline" method="post" action="${action("card")}">
          ${page.field}
          <input type="hidden" name="card" value="${card}" />
          <button type="submit" ${card === view.card ? html`disabled` : ""}>
            ${t("simulator.billing.useCard", { card: t(CARD_KEYS[card]) })}
          </button>
        </form>`,
    )}
    ${back ? html`<p><a href="${back.href}">${t("simulator.billing.returnToApp")}</a></p>` : ""}`;
}

function invoiceView(page: Page, invoice: ProviderInvoice, card: SimCard): SafeHtml {
  const { t } = page;
  const due = invoice.amountDue - invoice.amountPaid;
  return html`<p class="amount">
      ${page.money(invoice.status === "paid" ? invoice.amountPaid : due, invoice.currency)}
    </p>
    <p>
      <span class="status"
        >${enumLabel(page, "simulator.billing.invoiceStatus", INVOICE_STATUSES, invoice.status)}</span
      >
    </p>
    <dl>
      <dt>${t("simulator.billing.invoice")}</dt>
      <dd><code>${invoice.id}</code></dd>
      <dt>${t("simulator.billing.amountDue")}</dt>
      <dd>${page.money(invoice.amountDue, invoice.currency)}</dd>
      <dt>${t("simulator.billing.amountPaid")}</dt>
      <dd>${page.money(invoice.amountPaid, invoice.currency)}</dd>
      <dt>${t("simulator.billing.attempts")}</dt>
      <dd>${new Intl.NumberFormat(page.locale).format(invoice.attemptCount)}</dd>
      ${
        invoice.nextPaymentAttempt
          ? html`<dt>${t("simulator.billing.nextAttempt")}</dt>
              <dd>${page.dateTime(invoice.nextPaymentAttempt)}</dd>`
          : ""
      }
      ${
        invoice.paymentIntentStatus
          ? html`<dt>${t("simulator.billing.lastPayment")}</dt>
              <dd><bdi>${invoice.paymentIntentStatus}</bdi></dd>`
          : ""
      }
      <dt>${t("simulator.billing.cardOnFile")}</dt>
      <dd>${t(CARD_KEYS[card])}</dd>
    </dl>
    ${
      invoice.status === "open" || invoice.status === "uncollectible"
        ? html`<form method="post" action="${invoiceHref(invoice.id)}/pay">
            ${page.field}
            <button class="primary" type="submit">
              ${page.tx("simulator.billing.payAmount", { amount: page.money(due, invoice.currency) })}
            </button>
            <p class="muted">${t("simulator.billing.threeDsHint")}</p>
          </form>`
        : ""
    }`;
}
