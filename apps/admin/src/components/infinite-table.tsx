import { Table, type TableProps } from "@mantine/core";
import { ScrollTable } from "./scroll-table";
import {
  Children,
  cloneElement,
  Fragment,
  isValidElement,
  type ReactElement,
  type ReactNode,
} from "react";
import type { InfiniteList } from "../lib/infinite-list";
import { EmptyRow, ListStates, LoadMore } from "./list-states";

/**
 * The header cells with `scope="col"` (unless a cell sets its own), looking through the
 * fragment callers usually pass them in.
 */
function withColumnScope(head: ReactNode): ReactNode {
  return Children.map(head, (child): ReactNode => {
    if (!isValidElement(child)) return child;
    const element = child as ReactElement<{ children?: ReactNode; scope?: string }>;
    if (element.type === Fragment) return withColumnScope(element.props.children);
    return element.props.scope ? element : cloneElement(element, { scope: "col" });
  });
}

/**
 * A list page's table, loaded page by page (see `useInfiniteList`): the loading and failed
 * states, a striped table named `label` that is busy while fetching, a row saying nothing
 * matched, and "Showing N rows" with "Load more" while the API has more.
 */
export function InfiniteTable<TItem>(props: {
  list: InfiniteList<TItem>;
  /** The table's accessible name. */
  label: string;
  /** Translated, e.g. "users": read as "Loading users" and "Couldn't load users." */
  noun: string;
  /** Translated, e.g. "user" and "users", for "Showing 1 user". */
  singular: string;
  plural: string;
  /** Below this width the table scrolls sideways, in px. */
  minWidth: number;
  /** The header cells (`<Table.Th>`), one per column. */
  head: ReactNode;
  /** How many columns the "nothing matched" row spans. */
  columns: number;
  /** What the table says when it has no rows. */
  empty: ReactNode;
  rowKey: (item: TItem) => string;
  /** One `<Table.Tr>` for a row. */
  row: (item: TItem) => ReactNode;
  /** Extra props for the table, e.g. `highlightOnHover` or `fz`. */
  tableProps?: Omit<TableProps, "aria-label" | "aria-busy">;
}) {
  const { query, items } = props.list;
  return (
    <ListStates query={query} shown={items.length} noun={props.noun}>
      <ScrollTable minWidth={props.minWidth} label={props.label}>
        <Table
          striped
          verticalSpacing="xs"
          {...props.tableProps}
          aria-label={props.label}
          aria-busy={query.isFetching}
        >
          <Table.Thead>
            <Table.Tr>{withColumnScope(props.head)}</Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Fragment key={props.rowKey(item)}>{props.row(item)}</Fragment>
            ))}
            {items.length === 0 ? <EmptyRow colSpan={props.columns}>{props.empty}</EmptyRow> : null}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      <LoadMore
        shown={items.length}
        singular={props.singular}
        plural={props.plural}
        query={query}
      />
    </ListStates>
  );
}
