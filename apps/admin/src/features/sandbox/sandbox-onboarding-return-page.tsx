import { Alert, Anchor, Stack, Title } from "@mantine/core";
import { Link, useSearchParams } from "react-router";

/**
 * Where the simulated Stripe onboarding sends the advisor back in development
 * (`CLIENT_APP_URL` + `/payouts/onboarding`). The advisor-facing app does this in
 * production; here the sandbox only needs a page that says what happened. Reaching the
 * return url doesn't mean the account can be paid: `account.updated` decides that.
 */
export function SandboxOnboardingReturnPage() {
  const [params] = useSearchParams();
  const refresh = params.has("refresh");
  return (
    <Stack maw={640}>
      <Title order={2}>Stripe onboarding (simulated)</Title>
      {refresh ? (
        <Alert color="yellow" title="That onboarding link is no longer valid">
          Links are single-use and expire after a few minutes. Go back to the sandbox and click
          “Onboard the advisor” again for a fresh one.
        </Alert>
      ) : (
        <Alert color="teal" title="Back from Stripe">
          The account is ready once Stripe confirms it (account.updated); the sandbox shows the
          transfers capability as soon as it does. You can close this tab.
        </Alert>
      )}
      <Anchor component={Link} to="/sandbox">
        Back to the sandbox
      </Anchor>
    </Stack>
  );
}
