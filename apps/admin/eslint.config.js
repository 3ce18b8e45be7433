import base from "@an/eslint-config/base";
import consoleStrings from "@an/eslint-config/console-strings";
import globals from "globals";

export default [
  ...base,
  {
    files: ["src/**/*.ts", "src/**/*.tsx"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["src/**/*.tsx"],
    plugins: { console: consoleStrings },
    rules: { "console/no-literal-string": "error" },
  },
];
