import base from "./base.js";

/**
 * packages/domain is pure: no I/O, no clock, no randomness, no workspace imports.
 * "now", ids and configuration come in as arguments.
 */
export default [
  ...base,
  {
    files: ["src/**/*.ts"],
    ignores: ["src/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@an/*"], message: "packages/domain imports nothing from the workspace." },
            {
              group: [
                "node:*",
                "fs",
                "path",
                "http",
                "https",
                "net",
                "child_process",
                "crypto",
                "os",
              ],
              message: "packages/domain does no I/O.",
            },
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "process", message: "Configuration comes in as arguments." },
        { name: "fetch", message: "packages/domain does no I/O." },
        { name: "setTimeout", message: "Time is injected." },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "Pass 'now' in as an argument.",
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "Pass 'now' in as an argument.",
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: "Randomness comes in as an argument.",
        },
        {
          selector: "MemberExpression[object.name='crypto']",
          message: "Randomness comes in as an argument.",
        },
      ],
    },
  },
];
