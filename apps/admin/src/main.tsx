import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { directionOf, getLocale } from "./lib/session";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

// Set before the first render so Mantine's DirectionProvider starts in the right direction.
const locale = getLocale();
document.documentElement.lang = locale;
document.documentElement.dir = directionOf(locale);

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
