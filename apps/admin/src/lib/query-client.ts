import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { notifyError } from "./notify";
import { setToken } from "./session";
import { describeError, isUnauthorized } from "./trpc";

/**
 * The console's cache. One place for failed calls: a 401 signs the operator out (the router
 * then shows the sign-in page); anything else is shown as a notification. Client errors aren't
 * retried.
 */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    if (isUnauthorized(error)) {
      // Cached data is dropped when the next operator signs in.
      setToken(null);
      notifyError(error, "Signed out");
      return;
    }
    notifyError(error);
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (failureCount, error) => {
          const status = describeError(error).httpStatus;
          return (status === null || status >= 500) && failureCount < 2;
        },
      },
    },
  });
}

/**
 * A cache apart from the console's, for answers that are not the operator's failures: a
 * refused amount in a preview is shown beside its field, and the sandbox's demo client (its
 * own token) must neither mix its answers with the admin's nor sign the admin out on a 401.
 * Nothing is retried or kept fresh: each answer is read as it is now.
 *
 * @param gcTime how long an unused answer stays cached, in ms (TanStack's default when unset)
 */
export function createQuietQueryClient(options: { gcTime?: number } = {}): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 0, ...options },
    },
  });
}
