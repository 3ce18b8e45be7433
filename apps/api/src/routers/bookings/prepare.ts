import { signBookingToken } from "@an/billing";
import { type PrepareBookingError, prepareBookingIntent } from "@an/db";
import { type CurrencyCode, formatMoney } from "@an/domain";
import { z } from "zod";
import { AppError } from "../../errors";
import type { Context } from "../../trpc/context";
import { protectedProcedure } from "../../trpc/init";
import { text, userIdSchema } from "../schemas";

/** Strict: a price, fee or anything else a caller adds is refused, never read. */
export const prepareBookingInput = z
  .object({
    advisorId: userIdSchema,
    durationMinutes: z.literal([30, 45, 60, 90, 120]),
    /** The client's own reference for what the consultation is about. */
    project: text().trim().max(200).optional(),
    /** The caller's own project the consultation is about (someone else's is NOT_FOUND). */
    projectId: z.uuid().optional(),
  })
  .strict();

function prepareError(
  ctx: Pick<Context, "t">,
  error: PrepareBookingError,
  input: { advisorId: string; durationMinutes: number },
): AppError {
  switch (error.code) {
    case "ADVISOR_NOT_FOUND":
      return new AppError("ADVISOR_NOT_FOUND", { ref: input.advisorId });
    case "CANNOT_BOOK_SELF":
      return new AppError("CANNOT_BOOK_SELF");
    case "ADVISOR_NOT_BOOKABLE":
      return new AppError("ADVISOR_NOT_BOOKABLE", {
        name: error.advisorName,
        reason: ctx.t(`errors.not_bookable.${error.reason}`),
      });
    case "PROJECT_NOT_FOUND":
    case "PROJECT_ARCHIVED":
      return new AppError(error.code, { ref: error.ref });
    case "DURATION_NOT_OFFERED":
      return new AppError("DURATION_NOT_OFFERED", {
        allowed: error.allowedLengths.join(", "),
        value: input.durationMinutes,
      });
  }
}

/**
 * The caller (as a client) prepares to book an advisor: the quote from the advisor's
 * current rate, the platform's commission and the refund policy in force are frozen into a
 * booking intent, and the Cal.com booking page is returned with a signed, expiring token
 * naming that intent. The booking made there is paid at exactly this quote.
 */
export const prepare = protectedProcedure
  .input(prepareBookingInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const prepared = await ctx.db.transaction((tx) =>
      prepareBookingIntent(tx, {
        clientId: ctx.user.id,
        advisorId: input.advisorId,
        durationMinutes: input.durationMinutes,
        project: input.project || null,
        projectId: input.projectId ?? null,
        now,
        ttlMinutes: ctx.billing.bookingTokenTtlMinutes,
      }),
    );
    if (!prepared.ok) throw prepareError(ctx, prepared.error, input);
    const { intent, eventType } = prepared.value;
    const bookingToken = signBookingToken(
      { intentId: intent.id, expiresAt: intent.expiresAt },
      ctx.billing.bookingTokenSecret,
    );
    const name = [ctx.user.firstName, ctx.user.lastName].filter(Boolean).join(" ") || null;
    const price = { amount: intent.quote.price, currency: intent.quote.currency as CurrencyCode };
    return {
      intentId: intent.id,
      bookingUrl: ctx.providers.scheduling.bookingUrl({
        eventType,
        bookingToken,
        name,
        email: ctx.user.email,
      }),
      expiresAt: intent.expiresAt,
      quote: {
        price: price.amount,
        currency: price.currency,
        durationMinutes: intent.durationMinutes,
        formatted: formatMoney(price, ctx.locale),
      },
      refundPolicy: intent.refundPolicy,
      holdWindowHours: intent.holdWindowHours,
    };
  });
