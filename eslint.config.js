import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** What the function app (`shared/`, `functions/`) may never import: tooling, emulators, tests. */
const APP_ONLY = {
  group: [
    "**/local/**",
    "**/cli/**",
    "**/bench/**",
    "**/test/**",
    "**/packages/**",
    "@mailferry/azure-local",
    "@mailferry/azure-local/*",
  ],
  message: "The function app imports only itself: never the local emulators, the CLI, benches or tests.",
};
/** What the emulator package may never import: the application it stands in front of. */
const PACKAGE_ONLY = {
  group: [
    "**/shared/**",
    "**/functions/**",
    "**/local/**",
    "**/cli/**",
    "**/bench/**",
    "**/infra/**",
    "**/dashboard/**",
    "**/test/**",
    "mailferry",
    "mailferry/*",
  ],
  message: "The emulators import nothing from the app: it passes in what they need (logger, queues).",
};
const NO_COMPOSITION_ROOT = {
  group: ["**/functions/**"],
  message: "Use cases never import the composition root.",
};
/** The runtime builds and holds the services for the composition root; use cases take narrow ports. */
const NO_RUNTIME = {
  group: ["**/runtime/**", "**/runtime"],
  message: "Use cases never import the runtime services: declare the ports you use beside you.",
};
const DOMAIN_ONLY = [
  { group: ["@azure/*", "@microsoft/*"], message: "The domain knows no cloud SDK." },
  {
    group: ["../store/**", "../runtime/**", "../bus/**", "../tables/**", "../graph/**", "../exchange/**"],
    message: "The domain imports no storage, transport or runtime.",
  },
];

/** The CLI changes state only through use cases: it never reaches the stores' or queues' adapters. */
const CLI_THROUGH_USE_CASES = {
  group: [
    "@azure/*",
    "@microsoft/*",
    "**/shared/azure/**",
    "**/shared/bus/**",
    "**/shared/store/tables/**",
    "**/shared/store/memory/**",
    "**/shared/tables/**",
    "**/shared/transfer/state/**",
    "**/shared/**/tables.ts",
    "**/shared/**/tables.js",
  ],
  message:
    "The CLI changes state through use cases (shared/admin, shared/inventory), never through an adapter.",
};

/** A string that names an error class, as `name` comparisons and name sets spell it. */
const ERROR_NAME = "/^[A-Z][A-Za-z]*Error$/";
const BY_CLASS =
  "Classify errors with instanceof against their class (see shared/errors.ts), not by comparing names.";
/** Errors are classified one way: the guard keeps name comparisons and name sets from coming back. */
const ERRORS_BY_CLASS = {
  files: ["**/*.ts"],
  rules: {
    "no-restricted-syntax": [
      "error",
      {
        selector: `BinaryExpression[operator=/^[!=]==?$/] > Literal[value=${ERROR_NAME}]`,
        message: BY_CLASS,
      },
      { selector: `SwitchCase > Literal.test[value=${ERROR_NAME}]`, message: BY_CLASS },
      {
        selector: `NewExpression[callee.name="Set"] > ArrayExpression > Literal[value=${ERROR_NAME}]`,
        message: BY_CLASS,
      },
    ],
  },
};

/** One no-restricted-imports rule for `files` (a later rule for the same files replaces it). */
function restrictImports(files, patterns) {
  return { files, rules: { "no-restricted-imports": ["error", { patterns }] } };
}

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "coverage/**",
      ".artifacts/**",
      ".scratch/**",
      ".deploy/**",
      "bin/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-extraneous-class": "off",
      "@typescript-eslint/no-unnecessary-condition": "off",
      "@typescript-eslint/no-confusing-void-expression": "off",
      "no-console": "off",
    },
  },
  ERRORS_BY_CLASS,
  // Boundaries between the rooms of the house, enforced rather than left to convention.
  restrictImports(["shared/**/*.ts", "functions/**/*.ts"], [APP_ONLY]),
  restrictImports(["shared/**/*.ts"], [APP_ONLY, NO_COMPOSITION_ROOT, NO_RUNTIME]),
  restrictImports(["shared/domain/**/*.ts"], [APP_ONLY, NO_COMPOSITION_ROOT, ...DOMAIN_ONLY]),
  restrictImports(["packages/azure-local/**/*.ts"], [PACKAGE_ONLY]),
  restrictImports(["cli/**/*.ts"], [CLI_THROUGH_USE_CASES]),
  {
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
);
