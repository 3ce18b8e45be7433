import { Alert, Anchor, Stack, Title } from "@mantine/core";
import { Link, useSearchParams } from "react-router";
import { Sentence } from "./sentence";
import { useT } from "../../lib/i18n";

/**
 * Where the simulated Stripe onboarding sends the advisor back in development
 * (`CLIENT_APP_URL` + `/payouts/onboarding`). The advisor-facing app does this in
 * production; here the sandbox only needs a page that says what happened. Reaching the
 * return url doesn't mean the account can be paid: `account.updated` decides that.
 */
export function SandboxOnboardingReturnPage() {
  const t = useT();
  const [params] = useSearchParams();
  const refresh = params.has("refresh");
  return (
    <Stack maw={640}>
      <Title order={2}>{t("console.sandbox.onboarding.title")}</Title>
      {refresh ? (
        <Alert color="yellow" title={t("console.sandbox.onboarding.expiredTitle")}>
          {t("console.sandbox.onboarding.expired")}
        </Alert>
      ) : (
        <Alert color="teal" title={t("console.sandbox.onboarding.backTitle")}>
          <Sentence k="console.sandbox.onboarding.back" values={{ event: "account.updated" }} />
        </Alert>
      )}
      <Anchor component={Link} to="/sandbox">
        {t("console.sandbox.onboarding.toSandbox")}
      </Anchor>
    </Stack>
  );
}
