import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { ErrorNote } from "./error-note";

export type PartyDialog = "cancel" | "no_show" | "dispute" | null;

/** A party action's dialog: an optional or required reason, as the API wants it. */
export function PartyActionModal({
  dialog,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  dialog: PartyDialog;
  pending: boolean;
  error: unknown;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState("");
  const minLength = dialog === "dispute" ? 10 : 0;
  const short = reason.trim().length < minLength;
  const title =
    dialog === "cancel"
      ? "Cancel the consultation"
      : dialog === "no_show"
        ? "Report the advisor absent"
        : "Open a dispute";
  return (
    <Modal
      opened={dialog !== null}
      onClose={onClose}
      title={title}
      centered
      onExitTransitionEnd={() => setReason("")}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!short) onConfirm(reason.trim());
        }}
      >
        <Stack>
          <Text size="sm">
            {dialog === "cancel"
              ? "The frozen refund policy decides what goes back to the client; the booking is cancelled on the (simulated) Cal.com."
              : dialog === "no_show"
                ? "The money stays held until an admin decides."
                : "The money stays held; admins are told and decide."}
          </Text>
          <Textarea
            label={minLength > 0 ? "What went wrong" : "Reason (optional)"}
            required={minLength > 0}
            description={minLength > 0 ? `At least ${minLength} characters.` : undefined}
            autosize
            minRows={2}
            maxLength={dialog === "cancel" ? 500 : 2000}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            data-autofocus
          />
          <ErrorNote error={error} title="Refused" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={pending}>
              Back
            </Button>
            <Button type="submit" color="red" loading={pending} disabled={short}>
              {dialog === "cancel"
                ? "Cancel consultation"
                : dialog === "no_show"
                  ? "Report no-show"
                  : "Open dispute"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
