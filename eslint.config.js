// ESLint flat config: typescript-eslint's recommended rules for all TypeScript, the React hooks
// rules for the components, and Node globals for the plain JavaScript files.
// Formatting is Prettier's job (`.prettierrc.json`), so no stylistic rules here.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'public/**',
      'test-results/**',
      'playwright-report/**',
      '.cache/**',
      'out/**',
      'bench/out/**',
      'training/**',
      'tests/fixtures/**',
      '**/*.tsbuildinfo',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names are deliberately unused (positional callback parameters, destructuring), as tsc's
      // noUnusedParameters already allows.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Errors re-thrown with a clearer message already carry the cause's message, and many cross a worker
      // boundary by postMessage, where a `cause` that cannot be structured-cloned would break the transfer.
      'preserve-caught-error': 'off',
    },
  },
  {
    // Plain JavaScript (the CLI launcher, this file) runs in Node; TypeScript files get their globals from tsc.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.tsx'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['**/*.tsx'],
    rules: {
      // Resetting local UI state when a prop or a store value changes is done deliberately in an effect in a few
      // panels; worth a look when touching them, not a bug.
      'react-hooks/set-state-in-effect': 'warn',
    },
  },
);
