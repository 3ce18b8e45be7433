import { advisorsRouter } from "../routers/advisors";
import { applicationInvitationsRouter } from "../routers/application-invitations";
import { applicationsRouter } from "../routers/applications";
import { authRouter } from "../routers/auth";
import { billingAdminRouter } from "../routers/billing-admin";
import { billingRouter } from "../routers/billing";
import { bookingsRouter } from "../routers/bookings";
import { chatAdminRouter } from "../routers/chat-admin";
import { chatRouter } from "../routers/chat";
import { consultationsRouter } from "../routers/consultations";
import { discoveryRouter } from "../routers/discovery";
import { earningsRouter } from "../routers/earnings";
import { financeRouter } from "../routers/finance";
import { incidentsRouter } from "../routers/incidents";
import { invitationsRouter } from "../routers/invitations";
import { ledgerRouter } from "../routers/ledger";
import { notificationsRouter } from "../routers/notifications";
import { payoutAdminRouter } from "../routers/payout-admin";
import { passesRouter } from "../routers/passes";
import { platformRulesRouter } from "../routers/platform-rules";
import { commissionOverridesRouter } from "../routers/commission-overrides";
import { payoutsRouter } from "../routers/payouts";
import { projectsRouter } from "../routers/projects";
import { reconciliationRouter } from "../routers/reconciliation";
import { reviewsRouter } from "../routers/reviews";
import { sandboxRouter } from "../routers/sandbox";
import { serviceCredentialsRouter } from "../routers/service-credentials";
import { skillsRouter } from "../routers/skills";
import { usersRouter } from "../routers/users";
import { webhookEventsRouter } from "../routers/webhook-events";
import { createCallerFactory, router } from "./init";

/**
 * Every procedure key is a verb or starts with one: `list…`, `get…`, `create`, `update…`,
 * `set…`, or a domain verb (`cancel`, `approve`, `search`); one router folder per area.
 */
export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  notifications: notificationsRouter,
  skills: skillsRouter,
  applications: applicationsRouter,
  advisors: advisorsRouter,
  discovery: discoveryRouter,
  reviews: reviewsRouter,
  projects: projectsRouter,
  bookings: bookingsRouter,
  consultations: consultationsRouter,
  chat: chatRouter,
  passes: passesRouter,
  incidents: incidentsRouter,
  ledger: ledgerRouter,
  webhookEvents: webhookEventsRouter,
  payouts: payoutsRouter,
  payoutAdmin: payoutAdminRouter,
  earnings: earningsRouter,
  finance: financeRouter,
  reconciliation: reconciliationRouter,
  chatAdmin: chatAdminRouter,
  serviceCredentials: serviceCredentialsRouter,
  invitations: invitationsRouter,
  billing: billingRouter,
  billingAdmin: billingAdminRouter,
  sandbox: sandboxRouter,
  platformRules: platformRulesRouter,
  commissionOverrides: commissionOverridesRouter,
  applicationInvitations: applicationInvitationsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
