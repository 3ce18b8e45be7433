import { Alert, Anchor, Button, Center, Group, Loader, Stack, Table, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { describeError } from "../lib/trpc";

type ListQuery = {
  isPending: boolean;
  isError: boolean;
  refetch: () => Promise<unknown>;
};

/**
 * The loading and failed states every list page shares: a labelled loader while the first
 * page loads, a retry when it failed with nothing to show, otherwise the list itself.
 */
export function ListStates(props: {
  query: ListQuery;
  /** Rows already shown: a failed refresh keeps them rather than hiding them. */
  shown: number;
  /** e.g. "users": read as "Loading users" and "Couldn't load users." */
  noun: string;
  children: ReactNode;
}) {
  if (props.query.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={`Loading ${props.noun}`} />
      </Center>
    );
  }
  if (props.query.isError && props.shown === 0) {
    return (
      <Stack align="center" p="xl" gap="xs">
        <Text c="red">Couldn&apos;t load {props.noun}.</Text>
        <Button variant="light" size="xs" onClick={() => void props.query.refetch()}>
          Try again
        </Button>
      </Stack>
    );
  }
  return <>{props.children}</>;
}

/** A table row saying nothing matched, spanning the table. */
export function EmptyRow(props: { colSpan: number; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={props.colSpan}>
        <Text size="sm" c="dimmed" ta="center" p="md">
          {props.children}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** "Showing N things" and, while the API has more, a button that fetches the next page. */
export function LoadMore(props: {
  shown: number;
  singular: string;
  plural: string;
  query: {
    hasNextPage: boolean;
    isFetchingNextPage: boolean;
    fetchNextPage: () => Promise<unknown>;
  };
}) {
  return (
    <Group justify="space-between">
      <Text size="sm" c="dimmed">
        Showing {props.shown} {props.shown === 1 ? props.singular : props.plural}
      </Text>
      {props.query.hasNextPage ? (
        <Button
          variant="default"
          loading={props.query.isFetchingNextPage}
          onClick={() => void props.query.fetchNextPage()}
        >
          Load more
        </Button>
      ) : null}
    </Group>
  );
}

/**
 * The loading and failed states of one object's page or drawer: a labelled loader, or the
 * API's error with a way back. Render it while `isPending || isError`; after that the
 * query's data is there.
 */
export function DetailStates(props: {
  query: { isPending: boolean; error: unknown };
  /** e.g. "consultation": read as "Loading consultation" and "Couldn't load this consultation". */
  noun: string;
  back?: { to: string; label: string };
}) {
  if (props.query.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={`Loading ${props.noun}`} />
      </Center>
    );
  }
  return (
    <Stack>
      {props.back && (
        <Anchor component={Link} to={props.back.to} size="sm">
          ← {props.back.label}
        </Anchor>
      )}
      <Alert color="red" title={`Couldn't load this ${props.noun}`}>
        {describeError(props.query.error).message}
      </Alert>
    </Stack>
  );
}
