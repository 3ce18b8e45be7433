import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * Type-checked lint for every workspace. Each package's eslint.config.js spreads this and
 * may add its own rules; `tsconfigRootDir` is resolved per package by the project service.
 */
export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".turbo/**", "drizzle/**", "*.config.*"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-misused-promises": [
        "error",
        { checksVoidReturn: { attributes: false } },
      ],
      "no-console": "error",
    },
  },
  {
    files: ["**/*.test.ts", "**/*.test.tsx", "**/testing/**"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
    },
  },
);
