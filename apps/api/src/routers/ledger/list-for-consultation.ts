import { listEntriesForConsultation } from "@an/db";
import { accounts } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import type { ConsultationLedger } from "./views";

export const ledgerForConsultationInput = z.object({ consultationId: z.uuid() });

/**
 * One consultation's journal entries with their postings, oldest first, and what is still
 * held for it (the credit balance of its `client_funds_held` account, per currency).
 */
export const listForConsultation = adminProcedure
  .input(ledgerForConsultationInput)
  .query(async ({ ctx, input }): Promise<ConsultationLedger> => {
    const entries = await listEntriesForConsultation(ctx.db, {
      consultationId: input.consultationId,
    });
    const heldAccount = accounts.clientFundsHeld(input.consultationId);
    const held = new Map<string, number>();
    for (const e of entries) {
      for (const p of e.postings) {
        if (p.account === heldAccount) held.set(p.currency, (held.get(p.currency) ?? 0) - p.amount);
      }
    }
    return {
      consultationId: input.consultationId,
      entries,
      held: [...held].map(([currency, amount]) => ({ currency, amount })),
    };
  });
