// ESLint for the window's plain ES modules (ui/js). Run by .ci/test: `npx eslint ../../ui/js`.
import js from '@eslint/js';
import globals from 'globals';

export default [
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
      'no-restricted-syntax': ['error',
        { selector: "AssignmentExpression[left.property.name='innerHTML']", message: 'build the DOM with h() (kit/dom.js): no HTML from strings' },
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'build the DOM with h() (kit/dom.js): no HTML from strings' }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/app.js'], message: 'screens move about through nav.js, not the router' }] }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
      'no-var': 'error',
    },
  },
  {
    // Only api.js talks to the core.
    files: ['**/*.js'],
    ignores: ['**/api.js'],
    rules: {
      'no-restricted-properties': ['error', { object: 'window', property: '__TAURI__', message: 'only api.js calls the core' }],
    },
  },
];
