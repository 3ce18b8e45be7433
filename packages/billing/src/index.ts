export * from "./providers";
export * from "./ports";
export * from "./config";
export * from "./booking-token";
export * from "./factory";
export * from "./simulated/store";
export * from "./webhooks/signatures";
