import { type QueryKey, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";

/**
 * After a mutation: marks every query under each key stale and refetches those on screen,
 * resolving once they have their new answers (so a dialog closes on fresh data). Keys come
 * from the tRPC proxy, `trpc.payouts.pathKey()` for a whole router or
 * `trpc.users.get.queryKey({ userId })` for one answer.
 */
export function useInvalidate(): (...keys: QueryKey[]) => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(
    async (...keys: QueryKey[]) => {
      await Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
    [queryClient],
  );
}
