export * from "./result";
export * from "./roles";
export * from "./locale";
export * from "./messages";
export * from "./i18n";
export * from "./money";
