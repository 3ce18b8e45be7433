import { NativeSelect } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useT } from "../lib/i18n";
import { CONSOLE_LOCALES, setLocale, useLocale, useToken } from "../lib/session";
import { useTRPC } from "../lib/trpc";

/**
 * Picks the console's language (and so the API's: errors, notifications, number formats).
 * Signed in, the pick is saved on the user, so it follows them to another browser.
 */
export function LocalePicker() {
  const t = useT();
  const locale = useLocale();
  const token = useToken();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useMutation(
    trpc.auth.updatePreferences.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.auth.pathKey() }),
    }),
  );
  return (
    <NativeSelect
      aria-label={t("console.header.locale")}
      size="xs"
      w={150}
      value={locale}
      data={CONSOLE_LOCALES.map((l) => ({ value: l.value, label: l.label }))}
      onChange={(event) => {
        const picked = CONSOLE_LOCALES.find((l) => l.value === event.currentTarget.value);
        if (!picked) return;
        setLocale(picked.value);
        if (token !== null) save.mutate({ locale: picked.value });
      }}
    />
  );
}
