export * from "./loopback";
export * from "./fakes";
export * from "./fake-subscription-billing";
