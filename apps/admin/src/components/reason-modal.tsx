import { Button, Group, Modal, type MantineColor, Stack, Textarea } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { type FormEvent, type ReactNode, useState } from "react";
import { formatNumber } from "../lib/format";
import { useT } from "../lib/i18n";
import { useLocale } from "../lib/session";

/** The API's shortest accepted reason or note, after trimming. */
export const MIN_REASON_LENGTH = 3;

type ReasonModalProps = {
  opened: boolean;
  title: string;
  /** What confirming does, shown above the field. */
  children: ReactNode;
  /** The field's label, e.g. "Reason" or "Notes for the applicant". */
  label: string;
  description?: string;
  confirmLabel: string;
  color?: MantineColor;
  /** Longest text the API accepts for this action. */
  maxLength: number;
  pending: boolean;
  onConfirm: (text: string) => void;
  onClose: () => void;
};

function ReasonForm({
  label,
  description,
  confirmLabel,
  color,
  maxLength,
  pending,
  onConfirm,
  onClose,
  children,
}: Omit<ReasonModalProps, "opened" | "title">) {
  const t = useT();
  const locale = useLocale();
  const [text, setText] = useState("");
  const [touched, setTouched] = useState(false);
  const trimmed = text.trim();
  const tooShort = trimmed.length < MIN_REASON_LENGTH;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!tooShort) onConfirm(trimmed);
  };
  return (
    <form onSubmit={submit}>
      <Stack>
        {children}
        <Textarea
          label={label}
          description={description}
          required
          autosize
          minRows={3}
          maxLength={maxLength}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          onBlur={() => setTouched(true)}
          error={
            touched && tooShort
              ? t("console.common.reasonTooShort", {
                  count: MIN_REASON_LENGTH,
                  n: formatNumber(MIN_REASON_LENGTH, locale),
                })
              : undefined
          }
          data-autofocus
        />
        <Group justify="flex-end" wrap="wrap">
          {/* Keeping focus in the field on press: otherwise its blur shows the length error,
              the buttons shift down between press and release, and the click is lost. */}
          <Button
            variant="default"
            onMouseDown={(event) => event.preventDefault()}
            onClick={onClose}
            disabled={pending}
          >
            {t("console.common.cancel")}
          </Button>
          <Button type="submit" color={color} loading={pending} disabled={tooShort}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Asks for a required reason (or notes) before an action the API records and usually sends
 * on: suspending, rejecting, hiding. The field starts empty each time the modal opens.
 */
export function ReasonModal({ opened, title, onClose, ...form }: ReasonModalProps) {
  const isPhone = useMediaQuery("(max-width: 36em)") ?? false;
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size="lg" fullScreen={isPhone}>
      {opened ? <ReasonForm {...form} onClose={onClose} /> : null}
    </Modal>
  );
}

/** Asks before an action with no reason to give (approving, merging). */
export function ConfirmModal({
  opened,
  title,
  children,
  confirmLabel,
  color,
  pending,
  onConfirm,
  onClose,
}: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  color?: MantineColor;
  pending: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <Stack>
        {children}
        <Group justify="flex-end" wrap="wrap">
          <Button variant="default" onClick={onClose} disabled={pending}>
            {t("console.common.cancel")}
          </Button>
          <Button color={color} loading={pending} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
