import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { notifyError } from "./notify";
import { setToken } from "./session";
import { describeError, isUnauthorized } from "./trpc";

/**
 * One place for failed calls: a 401 signs the operator out (the router then shows the
 * sign-in page); anything else is shown as a notification. Client errors aren't retried.
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
