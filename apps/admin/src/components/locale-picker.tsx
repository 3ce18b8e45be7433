import { NativeSelect } from "@mantine/core";
import { CONSOLE_LOCALES, type ConsoleLocale, setLocale, useLocale } from "../lib/session";

/** Picks the language the API answers in (errors, notifications); Arabic also flips the layout. */
export function LocalePicker() {
  const locale = useLocale();
  return (
    <NativeSelect
      aria-label="Language"
      size="xs"
      w={120}
      value={locale}
      data={CONSOLE_LOCALES.map((l) => ({ value: l.value, label: l.label }))}
      onChange={(event) => {
        const picked = CONSOLE_LOCALES.find((l) => l.value === event.currentTarget.value);
        if (picked) setLocale(picked.value satisfies ConsoleLocale);
      }}
    />
  );
}
