import { Trans } from "react-i18next";

/**
 * A catalog sentence with data in it: its `<d>…</d>` parts (amounts, names, ids, dates) are
 * isolated in `<bdi>` so they keep their own direction in right-to-left text, and `<b>…</b>`
 * is bold. Word order stays the translation's.
 */
export function Sentence({ k, values }: { k: string; values?: Record<string, string | number> }) {
  return (
    <Trans
      i18nKey={k}
      values={values}
      count={typeof values?.count === "number" ? values.count : undefined}
      components={{ d: <bdi />, b: <b /> }}
    />
  );
}
