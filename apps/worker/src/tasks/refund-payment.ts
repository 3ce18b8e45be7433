import type { TaskHandler, WorkerDeps } from "./types";

export function refundPayment(deps: WorkerDeps): TaskHandler<"refund_payment"> {
  return async () => {
    void deps;
    throw new Error("refund_payment: not implemented yet");
  };
}
