export * from "./loopback";
export * from "./fakes";
