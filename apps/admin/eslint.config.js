import base from "@an/eslint-config/base";
import globals from "globals";

export default [
  ...base,
  {
    files: ["src/**/*.ts", "src/**/*.tsx"],
    languageOptions: { globals: { ...globals.browser } },
  },
];
