import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", ".artifacts/**", ".scratch/**", "bin/**"] },
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
  // Boundaries between the rooms of the house, enforced rather than left to convention.
  {
    files: ["shared/**/*.ts", "functions/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/local/**"],
              message: "The function app never imports the local emulators or dev tooling.",
            },
            {
              group: ["**/cli/**", "**/bench/**", "**/test/**"],
              message: "The function app imports only itself.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["shared/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/local/**"],
              message: "The function app never imports the local emulators or dev tooling.",
            },
            {
              group: ["**/cli/**", "**/bench/**", "**/test/**"],
              message: "The function app imports only itself.",
            },
            { group: ["**/functions/**"], message: "Use cases never import the composition root." },
          ],
        },
      ],
    },
  },
  {
    files: ["shared/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@azure/*", "@microsoft/*"], message: "The domain knows no cloud SDK." },
            {
              group: [
                "../store/**",
                "../runtime/**",
                "../bus/**",
                "../tables/**",
                "../graph/**",
                "../exchange/**",
              ],
              message: "The domain imports no storage, transport or runtime.",
            },
            {
              group: ["**/local/**", "**/functions/**"],
              message: "The domain imports only itself and shared basics.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
);
