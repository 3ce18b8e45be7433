import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { useMediaQuery } from "@mantine/hooks";
import { ErrorNote } from "./error-note";
import { formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useLocale } from "../../lib/session";

const TEXT = {
  cancel: {
    title: "console.sandbox.party.cancelTitle",
    body: "console.sandbox.party.cancelBody",
    confirm: "console.sandbox.party.cancelConfirm",
  },
  no_show: {
    title: "console.sandbox.party.noShowTitle",
    body: "console.sandbox.party.noShowBody",
    confirm: "console.sandbox.party.noShowConfirm",
  },
  dispute: {
    title: "console.sandbox.party.disputeTitle",
    body: "console.sandbox.party.disputeBody",
    confirm: "console.sandbox.party.disputeConfirm",
  },
} as const;

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
  const t = useT();
  const locale = useLocale();
  const isPhone = useMediaQuery("(max-width: 36em)");
  const [reason, setReason] = useState("");
  const minLength = dialog === "dispute" ? 10 : 0;
  const short = reason.trim().length < minLength;
  // The dispute's texts stay while the dialog closes, as the title did before.
  const text = TEXT[dialog ?? "dispute"];
  return (
    <Modal
      opened={dialog !== null}
      onClose={onClose}
      title={t(text.title)}
      centered
      fullScreen={isPhone}
      onExitTransitionEnd={() => setReason("")}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!short) onConfirm(reason.trim());
        }}
      >
        <Stack>
          <Text size="sm">{t(text.body)}</Text>
          <Textarea
            label={
              minLength > 0
                ? t("console.sandbox.party.whatWentWrong")
                : t("console.sandbox.party.reasonOptional")
            }
            required={minLength > 0}
            description={
              minLength > 0
                ? t("console.sandbox.party.atLeast", {
                    count: minLength,
                    n: formatNumber(minLength, locale),
                  })
                : undefined
            }
            autosize
            minRows={2}
            maxLength={dialog === "cancel" ? 500 : 2000}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            data-autofocus
          />
          <ErrorNote error={error} title={t("console.sandbox.party.refused")} />
          <Group justify="flex-end" wrap="wrap">
            <Button variant="default" onClick={onClose} disabled={pending}>
              {t("console.sandbox.party.back")}
            </Button>
            <Button type="submit" color="red" loading={pending} disabled={short}>
              {t(text.confirm)}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
