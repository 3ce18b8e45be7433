export * from "./providers";
