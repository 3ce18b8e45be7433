import { createTheme, type CSSVariablesResolver, DEFAULT_THEME } from "@mantine/core";

/**
 * The console's theme. Mantine's defaults put some text below WCAG AA contrast (dimmed
 * grey is 3.3:1 on white, green and orange labels about 2.5:1), so in the light scheme text
 * in a colour and filled backgrounds under white text use a shade that reaches 4.5:1.
 */
export const theme = createTheme({
  primaryColor: "indigo",
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: "sm",
});

/** The first shade of each palette that reads at AA on white and on its own light tint. */
const TEXT_SHADES: Record<string, string> = {
  dark: DEFAULT_THEME.colors.dark[4],
  gray: DEFAULT_THEME.colors.gray[7],
  red: DEFAULT_THEME.colors.red[9],
  pink: DEFAULT_THEME.colors.pink[8],
  grape: DEFAULT_THEME.colors.grape[8],
  violet: DEFAULT_THEME.colors.violet[8],
  indigo: DEFAULT_THEME.colors.indigo[8],
  blue: DEFAULT_THEME.colors.blue[9],
  cyan: DEFAULT_THEME.colors.cyan[9],
  // Mantine's own darkest shades of these stay under 4.5:1 on their tint.
  teal: "#086650",
  green: "#1f7a33",
  lime: "#4a7a0b",
  yellow: "#8a5a00",
  orange: "#b23c00",
};

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": DEFAULT_THEME.colors.gray[7],
    ...Object.fromEntries(
      Object.entries(TEXT_SHADES).flatMap(([color, shade]) => [
        [`--mantine-color-${color}-text`, shade],
        [`--mantine-color-${color}-light-color`, shade],
        [`--mantine-color-${color}-filled`, shade],
        [`--mantine-color-${color}-outline`, shade],
      ]),
    ),
  },
  dark: {},
});
