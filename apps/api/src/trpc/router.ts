import { advisorsRouter } from "../routers/advisors";
import { applicationsRouter } from "../routers/applications";
import { authRouter } from "../routers/auth";
import { discoveryRouter } from "../routers/discovery";
import { notificationsRouter } from "../routers/notifications";
import { reviewsRouter } from "../routers/reviews";
import { skillsRouter } from "../routers/skills";
import { usersRouter } from "../routers/users";
import { createCallerFactory, router } from "./init";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  notifications: notificationsRouter,
  skills: skillsRouter,
  applications: applicationsRouter,
  advisors: advisorsRouter,
  discovery: discoveryRouter,
  reviews: reviewsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
