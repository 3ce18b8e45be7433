export * from "./client";
export * from "./migrate";
export * from "./jobs";
export * from "./seed";
export * from "./queries/audit";
export * from "./queries/users";
export * from "./queries/roles";
export * from "./queries/notifications";
