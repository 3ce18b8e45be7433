import { DirectionProvider, MantineProvider, useDirection } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useEffect, useState } from "react";
import { I18nextProvider } from "react-i18next";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { HOME_PATH } from "./components/app-layout";
import { RequireAdmin } from "./components/require-admin";
import { i18n } from "./lib/i18n";
import { cssVariablesResolver, theme } from "./lib/theme";
import { createQueryClient } from "./lib/query-client";
import { directionOf, useLocale } from "./lib/session";
import { createApiClient, TRPCProvider } from "./lib/trpc";
import { AdvisorPayoutsPage } from "./features/payouts/advisor-payouts-page";
import { AdvisorsPage } from "./features/advisors/advisors-page";
import { ApplicationReviewPage } from "./features/applications/application-review-page";
import { ApplicationsPage } from "./features/applications/applications-page";
import { ConsultationDetailPage } from "./features/consultations/consultation-detail-page";
import { ConsultationsPage } from "./features/consultations/consultations-page";
import { ConversationPage } from "./features/conversations/conversation-page";
import { ConversationsPage } from "./features/conversations/conversations-page";
import { FinancePage } from "./features/finance/finance-page";
import { IncidentsPage } from "./features/incidents/incidents-page";
import { LedgerPage } from "./features/ledger/ledger-page";
import { NotificationsPage } from "./features/notifications/notifications-page";
import { PayoutBatchPage } from "./features/payouts/payout-batch-page";
import { PayoutsPage } from "./features/payouts/payouts-page";
import { PlansPage } from "./features/billing/plans-page";
import { ProjectPage } from "./features/projects/project-page";
import { ProjectsPage } from "./features/projects/projects-page";
import {
  ReconciliationPage,
  ReconciliationReportPage,
} from "./features/reconciliation/reconciliation-page";
import { ReviewsPage } from "./features/reviews/reviews-page";
import { SandboxOnboardingReturnPage } from "./features/sandbox/sandbox-onboarding-return-page";
import { SandboxPage } from "./features/sandbox/sandbox-page";
import { SettingsPage } from "./features/settings/settings-page";
import { SignInPage } from "./features/auth/sign-in-page";
import { SkillsPage } from "./features/skills/skills-page";
import { SubscriberPage } from "./features/billing/subscriber-page";
import { SubscribersPage } from "./features/billing/subscribers-page";
import { UsersPage } from "./features/users/users-page";
import { WebhookEventsPage } from "./features/webhooks/webhook-events-page";

/** Any other address under the sandbox: the sandbox itself, with the query it came with. */
function SandboxReturn() {
  const { search } = useLocation();
  return <Navigate to={`/sandbox${search}`} replace />;
}

/** Keeps `<html lang dir>` and Mantine's direction in step with the picked locale. */
function LocaleEffects({ children }: { children: ReactNode }) {
  const locale = useLocale();
  const { setDirection } = useDirection();
  useEffect(() => {
    document.documentElement.lang = locale;
    setDirection(directionOf(locale));
    void i18n.changeLanguage(locale);
  }, [locale, setDirection]);
  return children;
}

/**
 * Messages in the bottom corner on the reading end (right in English, left in Arabic): the
 * header's session controls stay clickable while they show.
 */
function LocalizedNotifications() {
  const locale = useLocale();
  return (
    <Notifications position={directionOf(locale) === "rtl" ? "bottom-left" : "bottom-right"} />
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(() => createApiClient());
  return (
    <I18nextProvider i18n={i18n}>
      <DirectionProvider>
        <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
          <LocaleEffects>
            <LocalizedNotifications />
            <QueryClientProvider client={queryClient}>
              <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
                <BrowserRouter>
                  <Routes>
                    <Route path="/sign-in" element={<SignInPage />} />
                    <Route element={<RequireAdmin />}>
                      <Route path="/users" element={<UsersPage />} />
                      <Route path="/settings" element={<SettingsPage />} />
                      <Route path="/applications" element={<ApplicationsPage />} />
                      <Route path="/applications/:id" element={<ApplicationReviewPage />} />
                      <Route path="/advisors" element={<AdvisorsPage />} />
                      <Route path="/skills" element={<SkillsPage />} />
                      <Route path="/reviews" element={<ReviewsPage />} />
                      <Route path="/notifications" element={<NotificationsPage />} />
                      <Route path="/consultations" element={<ConsultationsPage />} />
                      <Route path="/consultations/:id" element={<ConsultationDetailPage />} />
                      <Route path="/projects" element={<ProjectsPage />} />
                      <Route path="/projects/:id" element={<ProjectPage />} />
                      <Route path="/conversations" element={<ConversationsPage />} />
                      <Route path="/conversations/:id" element={<ConversationPage />} />
                      <Route path="/ledger" element={<LedgerPage />} />
                      <Route path="/payouts" element={<PayoutsPage />} />
                      <Route path="/payouts/batches/:id" element={<PayoutBatchPage />} />
                      <Route path="/payouts/advisors/:advisorId" element={<AdvisorPayoutsPage />} />
                      <Route path="/reconciliation" element={<ReconciliationPage />} />
                      <Route path="/reconciliation/:id" element={<ReconciliationReportPage />} />
                      <Route path="/plans" element={<PlansPage />} />
                      <Route path="/subscribers" element={<SubscribersPage />} />
                      <Route path="/subscribers/:userId" element={<SubscriberPage />} />
                      <Route path="/finance" element={<FinancePage />} />
                      <Route path="/incidents" element={<IncidentsPage />} />
                      <Route path="/webhook-events" element={<WebhookEventsPage />} />
                      {/* Development only, like dev sign-in: acts as a demo client. */}
                      {import.meta.env.DEV ? (
                        <>
                          <Route path="/sandbox" element={<SandboxPage />} />
                          <Route
                            path="/sandbox/payouts/onboarding"
                            element={<SandboxOnboardingReturnPage />}
                          />
                          {/* Stripe's return addresses (Checkout, the customer portal) land
                            under the sandbox: it reads their query and syncs. */}
                          <Route path="/sandbox/*" element={<SandboxReturn />} />
                        </>
                      ) : null}
                      <Route path="*" element={<Navigate to={HOME_PATH} replace />} />
                    </Route>
                  </Routes>
                </BrowserRouter>
              </TRPCProvider>
            </QueryClientProvider>
          </LocaleEffects>
        </MantineProvider>
      </DirectionProvider>
    </I18nextProvider>
  );
}
