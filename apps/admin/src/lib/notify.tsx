import { Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
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
    title: title ?? failure.title ?? "Something went wrong",
    autoClose: 10_000,
    message: (
      <Stack gap={2}>
        <Text size="sm">{failure.message}</Text>
        {failure.requestId ? (
          <Text size="xs" c="dimmed">
            Request id: {failure.requestId}
          </Text>
        ) : null}
      </Stack>
    ),
  });
}

export function notifySuccess(message: string): void {
  notifications.show({ color: "teal", message, autoClose: 5_000 });
}
