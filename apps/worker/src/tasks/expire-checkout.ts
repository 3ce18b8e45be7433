import type { TaskHandler, WorkerDeps } from "./types";

export function expireCheckout(deps: WorkerDeps): TaskHandler<"expire_checkout"> {
  return async () => {
    void deps;
    throw new Error("expire_checkout: not implemented yet");
  };
}
