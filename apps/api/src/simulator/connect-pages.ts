import {
  ProviderRejectedError,
  type SimAccountLinkState,
  type SimulatedPayments,
} from "@an/billing";
import { type Response, Router } from "express";
import { z } from "zod";
import { html, type Page, type SafeHtml, sendError, sendPage } from "./html";
import { type FormParser, pageAction } from "./page-action";

export type ConnectPageDeps = { payments: SimulatedPayments; form: FormParser };

const linkParam = z.string().regex(/^link_[A-Za-z0-9_]{1,100}$/);
const submitForm = z.object({ outcome: z.enum(["complete", "incomplete"]) });

const onboardingHref = (linkId: string) => `/sim/connect/onboarding/${encodeURIComponent(linkId)}`;

/** A plain http(s) URL, or null (a link never carries `javascript:` and the like). */
function httpUrl(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The simulated Stripe-hosted onboarding behind an account link: the advisor completes it
 * or submits with details missing, and is sent back to the link's `return_url`, the way
 * Stripe does. A link works once and for 300 s; a stale one offers its `refresh_url`,
 * which mints a new link.
 */
export function connectPages(deps: ConnectPageDeps): Router {
  const router = Router();
  const { payments, form } = deps;

  router.get(
    "/sim/connect/onboarding/:linkId",
    pageAction(async (req, res, page) => {
      const id = linkParam.safeParse(req.params.linkId);
      const found = id.success ? await payments.getAccountLink(id.data) : null;
      if (!found) return sendError(res, page, 404, page.t("simulator.connect.noSuchLink"));
      if (found.state !== "valid") return sendStale(res, page, found);
      const returnTo = httpUrl(found.link.returnUrl);
      sendPage(res, page, 200, page.t("simulator.connect.title"), onboardingView(page, found), {
        formRedirectOrigins: returnTo ? [returnTo.origin] : [],
      });
    }),
  );

  router.post(
    "/sim/connect/onboarding/:linkId",
    form,
    pageAction(async (req, res, page) => {
      const id = linkParam.safeParse(req.params.linkId);
      const found = id.success ? await payments.getAccountLink(id.data) : null;
      if (!found) return sendError(res, page, 404, page.t("simulator.connect.noSuchLink"));
      const input = submitForm.safeParse(req.body ?? {});
      if (!input.success) {
        return sendError(res, page, 400, page.t("simulator.connect.outcomeInvalid"), {
          href: onboardingHref(found.link.id),
          label: page.t("simulator.common.back"),
        });
      }
      try {
        await payments.submitOnboarding(found.link.id, input.data.outcome);
      } catch (error) {
        const stale =
          error instanceof ProviderRejectedError &&
          (error.code === "account_link_used" || error.code === "account_link_expired");
        if (!stale) throw error;
        const now = await payments.getAccountLink(found.link.id);
        return sendStale(res, page, now ?? found);
      }
      const returnTo = httpUrl(found.link.returnUrl);
      if (!returnTo) {
        return sendPage(
          res,
          page,
          200,
          page.t("simulator.connect.submittedTitle"),
          html`<p>${page.t("simulator.connect.submittedNowhere")}</p>`,
        );
      }
      res.redirect(303, returnTo.href);
    }),
  );

  return router;
}

/** A used or expired link: say so, and offer the refresh URL (which mints a new one). */
function sendStale(res: Response, page: Page, found: SimAccountLinkState): void {
  const { t } = page;
  const refresh = httpUrl(found.link.refreshUrl);
  sendPage(
    res,
    page,
    410,
    found.state === "used" ? t("simulator.connect.usedTitle") : t("simulator.connect.expiredTitle"),
    html`<p class="error">
        ${found.state === "used" ? t("simulator.connect.usedText") : t("simulator.connect.expiredText")}
      </p>
      ${
        refresh
          ? html`<p><a href="${refresh.href}">${t("simulator.connect.getNewLink")}</a></p>`
          : html`<p>${t("simulator.connect.askForNewLink")}</p>`
      }`,
  );
}

const CAPABILITY_STATUSES = ["active", "inactive", "pending"];

function onboardingView(page: Page, found: SimAccountLinkState): SafeHtml {
  const { t } = page;
  const a = found.account.account;
  const action = onboardingHref(found.link.id);
  const due = a.requirements.currently_due;
  const transfers = a.capabilities.transfers;
  return html`<p class="muted">${t("simulator.connect.intro")}</p>
    <dl>
      <dt>${t("simulator.connect.account")}</dt>
      <dd><code>${a.id}</code></dd>
      <dt>${t("simulator.common.email")}</dt>
      <dd>${a.email ? html`<bdi>${a.email}</bdi>` : t("simulator.common.none")}</dd>
      <dt>${t("simulator.connect.country")}</dt>
      <dd><bdi>${a.country}</bdi></dd>
      <dt>${t("simulator.connect.serviceAgreement")}</dt>
      <dd>
        ${
          a.tos_acceptance.service_agreement === "recipient"
            ? t("simulator.connect.recipient")
            : t("simulator.connect.full")
        }
      </dd>
      <dt>${t("simulator.connect.defaultCurrency")}</dt>
      <dd><bdi>${a.default_currency.toUpperCase()}</bdi></dd>
      <dt>${t("simulator.connect.transfers")}</dt>
      <dd>
        <span class="status"
          >${CAPABILITY_STATUSES.includes(transfers) ? t(`simulator.connect.capability.${transfers}`) : html`<bdi>${transfers}</bdi>`}</span
        >
      </dd>
      <dt>${t("simulator.connect.stillDue")}</dt>
      <dd>
        ${
          due.length > 0
            ? html`<ul>
                ${due.map((d) => html`<li><code>${d}</code></li>`)}
              </ul>`
            : t("simulator.connect.nothingDue")
        }
      </dd>
      <dt>${t("simulator.connect.linkExpires")}</dt>
      <dd>${page.dateTime(new Date(found.link.expiresAt))}</dd>
    </dl>
    <form class="inline" method="post" action="${action}">
      ${page.field}
      <input type="hidden" name="outcome" value="complete" />
      <button class="primary" type="submit">${t("simulator.connect.complete")}</button>
    </form>
    <form class="inline" method="post" action="${action}">
      ${page.field}
      <input type="hidden" name="outcome" value="incomplete" />
      <button type="submit">${t("simulator.connect.incomplete")}</button>
    </form>`;
}
