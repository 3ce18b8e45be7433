import {
  DISCOVERY_SORTS,
  decodeDiscoveryCursor,
  encodeDiscoveryCursor,
  searchAdvisors,
} from "@an/db";
import { z } from "zod";
import { publicProcedure } from "../../trpc/init";
import { text } from "../schemas";

/** An opaque cursor from a previous page; anything else is INVALID_CURSOR. */
const discoveryCursorSchema = z
  .string()
  .max(600)
  .transform((value, ctx) => {
    const cursor = decodeDiscoveryCursor(value);
    if (!cursor) {
      ctx.addIssue({ code: "custom", message: "INVALID_CURSOR" });
      return z.NEVER;
    }
    return cursor;
  });

/** Rates are integer minor units. */
const rateSchema = z.number().int().min(0).max(100_000_000);

export const searchInput = z
  .object({
    q: text().trim().max(200).optional(),
    skills: z.array(z.uuid()).max(20).optional(),
    language: z
      .string()
      .trim()
      .min(2)
      .max(35)
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
      .optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    minRate: rateSchema.optional(),
    maxRate: rateSchema.optional(),
    minRating: z.number().min(1).max(5).optional(),
    sort: z.enum(DISCOVERY_SORTS).optional(),
    limit: z.number().int().min(1).max(50).default(20),
    cursor: discoveryCursorSchema.nullish(),
  })
  // Every field is optional: no input at all means "the best-rated advisors first".
  .prefault({});

/**
 * Discoverable advisors (active, accepting bookings) by free text and filters, sorted by
 * relevance (default with text), rating (default without), or price; keyset-paginated.
 * Public: shows only what a profile card shows.
 */
export const search = publicProcedure.input(searchInput).query(async ({ ctx, input }) => {
  const page = await searchAdvisors(ctx.db, {
    q: input.q || null,
    skillIds: input.skills,
    language: input.language ?? null,
    currency: input.currency,
    minRate: input.minRate ?? null,
    maxRate: input.maxRate ?? null,
    minRating: input.minRating ?? null,
    sort: input.sort,
    limit: input.limit,
    cursor: input.cursor ?? null,
  });
  return { items: page.items, nextCursor: encodeDiscoveryCursor(page.nextCursor) };
});
