export * from "./users";
export * from "./audit";
export * from "./notifications";
export * from "./rate-limits";
export * from "./advisors";
export * from "./consultations";
