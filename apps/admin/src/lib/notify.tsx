import { Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { i18n } from "./i18n";
import { describeError } from "./trpc";

/**
 * Shows a failed call: the API's localized message, with the request id for support.
 * Titled by what the caller was doing when it says so, else by the API's heading for what
 * happened (a conflict, input to fix), in the operator's language; "Something went wrong"
 * only when the API gave none (it could not be reached).
 */
export function notifyError(error: unknown, title?: string): void {
  const failure = describeError(error);
  notifications.show({
    // One notification per request, however many queries failed in it.
    id: failure.requestId ?? undefined,
    color: "red",
    title: title ?? failure.title ?? i18n.t("console.common.somethingWentWrong"),
    autoClose: 10_000,
    closeButtonProps: dismissLabel(),
    message: (
      <Stack gap={2}>
        <Text size="sm">{failure.message}</Text>
        {failure.requestId ? (
          <Text size="xs" c="dimmed">
            {i18n.t("console.common.requestId")} <bdi>{failure.requestId}</bdi>
          </Text>
        ) : null}
      </Stack>
    ),
  });
}

/** A short confirmation; `message` comes from the catalog (the caller translates it). */
export function notifySuccess(message: string, title?: string): void {
  notifications.show({
    color: "teal",
    title,
    message,
    autoClose: 5_000,
    closeButtonProps: dismissLabel(),
  });
}

/** The close button's accessible name: an icon alone says nothing to a screen reader. */
function dismissLabel() {
  return { "aria-label": i18n.t("console.common.dismiss") };
}
