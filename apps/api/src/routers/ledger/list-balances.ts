import { accountBalances, findUnbalancedEntries } from "@an/db";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";
import type { LedgerBalances } from "./views";

export const ledgerBalancesInput = z
  .object({
    /** One account family, e.g. `advisor_payable:` or `client_funds_held:`. */
    prefix: text().trim().max(200).optional(),
  })
  .prefault({});

/**
 * Balance per account and currency (debit positive, credit negative), their totals per
 * currency (zero over the whole ledger), and whether every entry balances.
 */
export const listBalances = adminProcedure
  .input(ledgerBalancesInput)
  .query(async ({ ctx, input }): Promise<LedgerBalances> => {
    const [accounts, unbalanced] = await Promise.all([
      accountBalances(ctx.db, { prefix: input.prefix || undefined }),
      findUnbalancedEntries(ctx.db),
    ]);
    const totals = new Map<string, number>();
    for (const a of accounts) totals.set(a.currency, (totals.get(a.currency) ?? 0) + a.balance);
    return {
      accounts,
      totals: [...totals].map(([currency, balance]) => ({ currency, balance })),
      balanced: unbalanced.length === 0,
      unbalancedEntryIds: unbalanced,
    };
  });
