import { Button, Group, Modal, NativeSelect, Select, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { isSupportedLocale, type Locale, SUPPORTED_LOCALES } from "@an/domain";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { useT } from "../lib/i18n";
import { useInvalidate } from "../lib/invalidate";
import { notifySuccess } from "../lib/notify";
import { setLocale as setConsoleLocale, useLocale } from "../lib/session";
import { type RouterOutputs, useTRPC } from "../lib/trpc";

type Me = RouterOutputs["auth"]["getMe"];

/** Every zone the browser lists, plus UTC (which it doesn't), for the picker. */
function zoneOptions(current: string | null): string[] {
  const zones = new Set(["UTC", ...Intl.supportedValuesOf("timeZone")]);
  // A stored alias the browser doesn't list ("Asia/Kolkata" on an older ICU) stays pickable.
  if (current) zones.add(current);
  return [...zones];
}

function PreferencesForm({ me, onClose }: { me: Me; onClose: () => void }) {
  const t = useT();
  const consoleLocale = useLocale();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const [locale, setLocale] = useState<Locale | null>(
    isSupportedLocale(me.locale) ? me.locale : null,
  );
  const [timeZone, setTimeZone] = useState<string | null>(me.timeZone);
  const languageNames = useMemo(
    () => new Intl.DisplayNames([consoleLocale], { type: "language" }),
    [consoleLocale],
  );
  const zones = useMemo(() => zoneOptions(me.timeZone), [me.timeZone]);
  const save = useMutation(
    trpc.auth.updatePreferences.mutationOptions({
      onSuccess: async (_result, input) => {
        // Said in the language the operator saved it in, before the console switches.
        notifySuccess(t("console.header.saved"));
        // The same language as the header's picker: the console follows it at once.
        if (input.locale) setConsoleLocale(input.locale);
        onClose();
        await invalidate(trpc.auth.pathKey());
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({
      ...(locale && locale !== me.locale ? { locale } : {}),
      ...(timeZone && timeZone !== me.timeZone ? { timeZone } : {}),
    });
  };
  const unchanged =
    (locale ?? me.locale) === me.locale && (timeZone ?? me.timeZone) === me.timeZone;
  return (
    <form onSubmit={submit}>
      <Stack>
        <Text size="sm">{t("console.header.preferencesHelp")}</Text>
        <NativeSelect
          label={t("console.header.locale")}
          value={locale ?? ""}
          data={SUPPORTED_LOCALES.map((tag) => ({
            value: tag,
            label: `${languageNames.of(tag) ?? tag} (${tag})`,
          }))}
          onChange={(event) => {
            const picked = event.currentTarget.value;
            if (isSupportedLocale(picked)) setLocale(picked);
          }}
        />
        <Select
          label={t("console.header.timeZone")}
          placeholder={t("console.header.timeZoneUnknown")}
          searchable
          value={timeZone}
          data={zones}
          onChange={setTimeZone}
          limit={50}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("console.header.cancel")}
          </Button>
          <Button type="submit" loading={save.isPending} disabled={unchanged}>
            {t("console.header.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * The signed-in person's own language and time zone (`auth.updatePreferences`): what their
 * notices and digests are written in. The header's language picker only sets the console's
 * display language for this browser.
 */
export function PreferencesButton({ me }: { me: Me }) {
  const t = useT();
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button variant="default" size="xs" onClick={open}>
        {t("console.header.preferences")}
      </Button>
      <Modal opened={opened} onClose={close} title={t("console.header.preferencesTitle")}>
        {opened ? <PreferencesForm me={me} onClose={close} /> : null}
      </Modal>
    </>
  );
}
