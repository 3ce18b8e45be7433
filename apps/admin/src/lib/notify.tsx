import { Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { describeError } from "./trpc";

/** Shows a failed call: the API's localized message, with the request id for support. */
export function notifyError(error: unknown, title = "Something went wrong"): void {
  const failure = describeError(error);
  notifications.show({
    // One notification per request, however many queries failed in it.
    id: failure.requestId ?? undefined,
    color: "red",
    title,
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
