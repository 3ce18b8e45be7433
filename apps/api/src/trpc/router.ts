import { authRouter } from "../routers/auth";
import { notificationsRouter } from "../routers/notifications";
import { usersRouter } from "../routers/users";
import { createCallerFactory, router } from "./init";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  notifications: notificationsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
