import { Alert, Text } from "@mantine/core";
import { Sentence } from "./sentence";
import { describeError } from "../../lib/trpc";

/** A refused or failed request: its message and, when the API gave one, its request id. */
export function ErrorNote({ error, title }: { error: unknown; title: string }) {
  if (!error) return null;
  const failure = describeError(error);
  return (
    <Alert color="red" title={title} role="alert">
      <Text size="sm">{failure.message}</Text>
      {failure.requestId ? (
        <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
          <Sentence k="console.sandbox.requestId" values={{ id: failure.requestId }} />
        </Text>
      ) : null}
    </Alert>
  );
}
