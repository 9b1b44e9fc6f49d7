// ESLint 9 flat config for the JavaScript (scripts/lint-js.sh runs it in the lint layer):
// @eslint/js's recommended rules over the playground, its tests and the Node scripts.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['www/dist/**', 'www/pkg/**', 'www/pkg-search/**', 'pkg/**', 'target/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  {
    files: ['www/**/*.js'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.browser, ...globals.worker } },
  },
  {
    files: ['scripts/**/*.mjs', 'tests/**/*.mjs', 'eslint.config.js', 'www/vite.config.js'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.node } },
  },
  {
    // The e2e tests run functions inside the page (page.evaluate): browser globals there.
    files: ['tests/e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    rules: {
      // `catch {}` and `(_unused) =>` are deliberate; arguments named with a leading _ too.
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
];
