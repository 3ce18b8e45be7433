import { listPartyConsultations } from "@an/db";
import { PARTY_ROLES } from "@an/domain";
import { z } from "zod";
import { AppError } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor } from "../schemas";
import { consultationStatusSchema, fromConsultationCursor, toConsultationCursor } from "./schemas";

export const listConsultationsInput = z.object({
  /** Which side of the caller's consultations: booked as a client, or given as an advisor. */
  as: z.enum(PARTY_ROLES),
  status: consultationStatusSchema.optional(),
  limit: z.number().int().min(1).max(50).default(20),
  cursor: cursorSchema.nullish(),
});

/**
 * The caller's own consultations, newest start first. As an advisor (role required) the
 * client appears by first name only.
 */
export const list = protectedProcedure
  .input(listConsultationsInput)
  .query(async ({ ctx, input }) => {
    if (input.as === "advisor" && !ctx.user.roles.includes("advisor")) {
      throw new AppError("FORBIDDEN_ROLE", { role: ctx.t("roles.advisor") });
    }
    const page = await listPartyConsultations(ctx.db, {
      userId: ctx.user.id,
      as: input.as,
      status: input.status,
      limit: input.limit,
      cursor: toConsultationCursor(input.cursor),
    });
    return { items: page.items, nextCursor: encodeCursor(fromConsultationCursor(page.nextCursor)) };
  });
