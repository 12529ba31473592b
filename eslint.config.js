// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // AssemblyScript (`@inline`, `usize`, v128) is compiled by asc, not checked by tsc/eslint.
  { ignores: ["**/node_modules/**", "**/dist/**", "**/coverage/**", "apps/dashboard/public/vendor/**", "packages/search/assembly/**", "packages/models/assembly/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "ExportAllDeclaration", message: "Export names explicitly (no `export *`)." },
      ],
    },
  },
  {
    // Samplers, data splits and weight initializers take an injected, seeded RNG.
    files: ["packages/search/src/**/*.ts", "packages/timeseries/src/**/*.ts", "packages/models/src/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "Math", property: "random", message: "Inject a seeded RNG." }],
    },
  },
  {
    files: ["**/*.test.ts", "**/test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
  {
    files: ["apps/dashboard/public/**/*.js"],
    languageOptions: { globals: { ...globals.browser }, sourceType: "module" },
  },
);
