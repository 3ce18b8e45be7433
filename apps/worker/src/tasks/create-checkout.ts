import type { TaskHandler, WorkerDeps } from "./types";

export function createCheckout(deps: WorkerDeps): TaskHandler<"create_checkout"> {
  return async () => {
    void deps;
    throw new Error("create_checkout: not implemented yet");
  };
}
