import { CURRENCY_CODES } from "@an/domain";
import { Button, Group, Select } from "@mantine/core";
import { useState } from "react";
import { useT } from "../../lib/i18n";

/** Picks a currency the platform knows (ISO 4217, from the domain) that the form lacks yet. */
export function AddCurrency({
  present,
  onAdd,
  label,
}: {
  present: readonly string[];
  onAdd: (currency: string) => void;
  label: string;
}) {
  const t = useT();
  const [picked, setPicked] = useState<string | null>(null);
  const choices = CURRENCY_CODES.filter((code) => !present.includes(code)).sort();
  return (
    <Group align="flex-end" gap="xs">
      <Select
        label={label}
        placeholder={t("console.settings.rules.pickCurrency")}
        data={choices}
        value={picked}
        onChange={setPicked}
        searchable
        nothingFoundMessage={t("console.settings.rules.noCurrencyLeft")}
        w={180}
      />
      <Button
        variant="default"
        disabled={!picked}
        onClick={() => {
          if (picked) onAdd(picked);
          setPicked(null);
        }}
      >
        {t("console.settings.rules.addCurrency")}
      </Button>
    </Group>
  );
}
