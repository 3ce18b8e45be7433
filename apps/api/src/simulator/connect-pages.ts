import {
  ProviderRejectedError,
  type SimAccountLinkState,
  type SimulatedPayments,
} from "@an/billing";
import { type Response, Router } from "express";
import { z } from "zod";
import { html, type SafeHtml, sendError, sendPage } from "./html";
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
    pageAction(async (req, res) => {
      const id = linkParam.safeParse(req.params.linkId);
      const found = id.success ? await payments.getAccountLink(id.data) : null;
      if (!found) return sendError(res, 404, "No such onboarding link.");
      if (found.state !== "valid") return sendStale(res, found);
      const returnTo = httpUrl(found.link.returnUrl);
      sendPage(res, 200, "Stripe onboarding", onboardingView(found), {
        formRedirectOrigins: returnTo ? [returnTo.origin] : [],
      });
    }),
  );

  router.post(
    "/sim/connect/onboarding/:linkId",
    form,
    pageAction(async (req, res) => {
      const id = linkParam.safeParse(req.params.linkId);
      const found = id.success ? await payments.getAccountLink(id.data) : null;
      if (!found) return sendError(res, 404, "No such onboarding link.");
      const input = submitForm.safeParse(req.body ?? {});
      if (!input.success) {
        return sendError(res, 400, "The outcome must be “complete” or “incomplete”.", {
          href: onboardingHref(found.link.id),
          label: "Back",
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
        return sendStale(res, now ?? found);
      }
      const returnTo = httpUrl(found.link.returnUrl);
      if (!returnTo) {
        return sendPage(
          res,
          200,
          "Onboarding submitted",
          html`<p>
            Submitted. The link's return URL isn't a web address, so there is nowhere to go back to.
          </p>`,
        );
      }
      res.redirect(303, returnTo.href);
    }),
  );

  return router;
}

/** A used or expired link: say so, and offer the refresh URL (which mints a new one). */
function sendStale(res: Response, found: SimAccountLinkState): void {
  const refresh = httpUrl(found.link.refreshUrl);
  sendPage(
    res,
    410,
    found.state === "used" ? "Link already used" : "Link expired",
    html`<p class="error">
        ${
          found.state === "used"
            ? "This onboarding link has already been used. Stripe's account links work once."
            : "This onboarding link has expired. Stripe's account links are valid for a few minutes."
        }
      </p>
      ${
        refresh
          ? html`<p><a href="${refresh.href}">Get a new onboarding link</a></p>`
          : html`<p>Ask the app for a new onboarding link.</p>`
      }`,
  );
}

function onboardingView(found: SimAccountLinkState): SafeHtml {
  const a = found.account.account;
  const action = onboardingHref(found.link.id);
  const due = a.requirements.currently_due;
  return html`<p class="muted">
      Stripe collects the advisor's identity and bank details here. In the simulator you choose the
      outcome.
    </p>
    <dl>
      <dt>Account</dt>
      <dd><code>${a.id}</code></dd>
      <dt>Email</dt>
      <dd>${a.email ?? "none"}</dd>
      <dt>Country</dt>
      <dd>${a.country}</dd>
      <dt>Service agreement</dt>
      <dd>
        ${
          a.tos_acceptance.service_agreement === "recipient"
            ? "recipient (cross-border: receives transfers only)"
            : "full"
        }
      </dd>
      <dt>Default currency</dt>
      <dd>${a.default_currency.toUpperCase()}</dd>
      <dt>Transfers</dt>
      <dd><span class="status">${a.capabilities.transfers}</span></dd>
      <dt>Still due</dt>
      <dd>
        ${
          due.length > 0
            ? html`<ul>
                ${due.map((d) => html`<li><code>${d}</code></li>`)}
              </ul>`
            : "nothing"
        }
      </dd>
      <dt>Link expires</dt>
      <dd>${found.link.expiresAt}</dd>
    </dl>
    <form class="inline" method="post" action="${action}">
      <input type="hidden" name="outcome" value="complete" />
      <button class="primary" type="submit">Complete onboarding</button>
    </form>
    <form class="inline" method="post" action="${action}">
      <input type="hidden" name="outcome" value="incomplete" />
      <button type="submit">Submit with details missing</button>
    </form>`;
}
