import {
  type InfiniteData,
  keepPreviousData,
  type QueryKey,
  type UseInfiniteQueryOptions,
  type UseInfiniteQueryResult,
  useInfiniteQuery,
} from "@tanstack/react-query";
import { useMemo } from "react";

/** Rows the console asks a list procedure for at a time. */
export const PAGE_SIZE = 25;

/**
 * The paging every list procedure shares (`{ items, nextCursor }` pages): the next page starts
 * at the last one's cursor, and a changed filter keeps the old rows on screen until the new
 * ones arrive. Spread into a procedure's `infiniteQueryOptions(input, { ...PAGING })`.
 */
export const PAGING = {
  getNextPageParam: <C>(page: { nextCursor: C }) => page.nextCursor,
  placeholderData: keepPreviousData,
};

/** A list procedure's pages, read as one list of rows. */
export type InfiniteList<TItem> = {
  /** What the loading, failed and "Load more" states read. */
  query: {
    isPending: boolean;
    isError: boolean;
    isFetching: boolean;
    hasNextPage: boolean;
    isFetchingNextPage: boolean;
    refetch: () => Promise<unknown>;
    fetchNextPage: () => Promise<unknown>;
  };
  /** Every fetched page's rows, in order. */
  items: TItem[];
};

/**
 * Loads a list procedure page by page: pass `trpc.<router>.<list>.infiniteQueryOptions(input,
 * { ...PAGING })`. Returns the query (for the loading, failed and "Load more" states) and the
 * rows fetched so far.
 */
export function useInfiniteList<
  TPage extends { items: readonly unknown[] },
  TError,
  TKey extends QueryKey,
  TPageParam,
>(
  options: UseInfiniteQueryOptions<
    TPage,
    TError,
    InfiniteData<TPage, TPageParam>,
    TKey,
    TPageParam
  >,
): InfiniteList<TPage["items"][number]> & {
  query: UseInfiniteQueryResult<InfiniteData<TPage, TPageParam>, TError>;
} {
  const query = useInfiniteQuery(options);
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  return { query, items };
}
