import { Alert, Anchor, Button, Center, Group, Loader, Stack, Table, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { formatNumber } from "../lib/format";
import { useT } from "../lib/i18n";
import { useLocale } from "../lib/session";
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
  /** Translated, e.g. "users": read as "Loading users" and "Couldn't load users." */
  noun: string;
  children: ReactNode;
}) {
  const t = useT();
  if (props.query.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={t("console.common.loadingNoun", { noun: props.noun })} />
      </Center>
    );
  }
  if (props.query.isError && props.shown === 0) {
    return (
      <Stack align="center" p="xl" gap="xs">
        <Text c="red">{t("console.common.loadFailed", { noun: props.noun })}</Text>
        <Button variant="light" size="xs" onClick={() => void props.query.refetch()}>
          {t("console.common.tryAgain")}
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
  /** Translated nouns, picked by the count (the sentence around them is the catalog's). */
  singular: string;
  plural: string;
  query: {
    hasNextPage: boolean;
    isFetchingNextPage: boolean;
    fetchNextPage: () => Promise<unknown>;
  };
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <Group justify="space-between" wrap="wrap">
      <Text size="sm" c="dimmed">
        {t("console.common.showing", {
          count: props.shown,
          n: formatNumber(props.shown, locale),
          noun: props.shown === 1 ? props.singular : props.plural,
        })}
      </Text>
      {props.query.hasNextPage ? (
        <Button
          variant="default"
          loading={props.query.isFetchingNextPage}
          onClick={() => void props.query.fetchNextPage()}
        >
          {t("console.common.loadMore")}
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
  /** Translated, e.g. "consultation": read as "Loading consultation" and "Couldn't load this consultation". */
  noun: string;
  back?: { to: string; label: string };
}) {
  const t = useT();
  if (props.query.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={t("console.common.loadingNoun", { noun: props.noun })} />
      </Center>
    );
  }
  return (
    <Stack>
      {props.back && (
        <Anchor component={Link} to={props.back.to} size="sm">
          {t("console.common.back", { label: props.back.label })}
        </Anchor>
      )}
      <Alert color="red" title={t("console.common.loadThisFailed", { noun: props.noun })}>
        {describeError(props.query.error).message}
      </Alert>
    </Stack>
  );
}
