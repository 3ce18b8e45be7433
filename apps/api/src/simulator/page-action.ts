import { ProviderRejectedError } from "@an/billing";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { type Page, pageFor, sendError } from "./html";

/** The urlencoded body parser the simulator's POST routes use (and no other route). */
export type FormParser = RequestHandler;

/**
 * Runs a page handler in the page's language and turns the simulators' refusals into
 * pages: an unknown object is 404, invalid input 400, anything the current state doesn't
 * allow (paying a paid session, booking a taken slot) 409. Other errors go to the app's
 * error handler.
 */
export function pageAction(
  handler: (req: Request, res: Response, page: Page) => Promise<void>,
): (req: Request, res: Response, next: NextFunction) => Promise<void> {
  return async (req, res, next) => {
    const page = pageFor(req);
    try {
      await handler(req, res, page);
    } catch (error) {
      if (!(error instanceof ProviderRejectedError)) return next(error);
      const status =
        error.code === "resource_missing" ? 404 : error.code === "bad_request" ? 400 : 409;
      const back = req.method === "POST" ? req.get("referer") : undefined;
      sendError(
        res,
        page,
        status,
        error.message,
        back && sameOrigin(back, req)
          ? { href: back, label: page.t("simulator.common.back") }
          : undefined,
        true,
      );
    }
  };
}

function sameOrigin(url: string, req: Request): boolean {
  try {
    return new URL(url).host === req.get("host");
  } catch {
    return false;
  }
}
