import {
  createTheme,
  type CSSVariablesResolver,
  DEFAULT_THEME,
  TableScrollContainer,
} from "@mantine/core";

/**
 * The console's theme. Mantine's defaults put some text below WCAG AA contrast (dimmed
 * grey is 3.3:1 on white, green and orange labels about 2.5:1), so in the light scheme text
 * in a colour and filled backgrounds under white text use a shade that reaches 4.5:1.
 */
export const theme = createTheme({
  primaryColor: "indigo",
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: "sm",
  components: {
    // A table that scrolls sideways on a phone must scroll from the keyboard too.
    TableScrollContainer: TableScrollContainer.extend({
      defaultProps: { pos: "relative", scrollAreaProps: { viewportProps: { tabIndex: 0 } } },
    }),
  },
});

/**
 * Text colours that read at AA (≥ 4.5:1, here ≥ 5:1 for margin) on white, on each colour's
 * light tint, and on a striped or hovered table row under that tint: Mantine's own darkest
 * shades miss it for most palettes once the row is grey.
 */
const TEXT_SHADES: Record<string, string> = {
  dark: DEFAULT_THEME.colors.dark[4],
  gray: DEFAULT_THEME.colors.gray[7],
  red: "#a42222",
  pink: "#a6204f",
  grape: "#862e9b",
  violet: "#5d3bc4",
  indigo: "#334ebc",
  blue: "#165a9a",
  cyan: "#096272",
  teal: "#086650",
  green: "#1b692c",
  lime: "#3f6909",
  yellow: "#835600",
  orange: "#a13600",
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
