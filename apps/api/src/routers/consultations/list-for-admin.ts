import { listConsultationsForAdmin } from "@an/db";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor, userIdSchema } from "../schemas";
import {
  consultationStatusSchema,
  fromConsultationCursor,
  instantSchema,
  toConsultationCursor,
} from "./schemas";

export const adminListConsultationsInput = z
  .object({
    status: z.array(consultationStatusSchema).max(20).optional(),
    advisorId: userIdSchema.optional(),
    clientId: userIdSchema.optional(),
    /** True: only those waiting on an admin's decision (no-show reports, disputes). */
    needsAttention: z.boolean().optional(),
    /** Start time range, [from, to). */
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/** Every consultation, newest start first, with both parties; filterable. */
export const listForAdmin = adminProcedure
  .input(adminListConsultationsInput)
  .query(async ({ ctx, input }) => {
    const page = await listConsultationsForAdmin(ctx.db, {
      statuses: input.status,
      advisorId: input.advisorId,
      clientId: input.clientId,
      needsAttention: input.needsAttention,
      from: input.from,
      to: input.to,
      limit: input.limit,
      cursor: toConsultationCursor(input.cursor),
    });
    return { items: page.items, nextCursor: encodeCursor(fromConsultationCursor(page.nextCursor)) };
  });
