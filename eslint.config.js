// Lint: TypeScript rules, plus the one architectural rule that keeps the engine runnable under plain Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const electronOnlyHere = ['main/electron/**', 'main/index.ts', 'preload/index.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Runtime electron imports throw under Node (tests, CLI, benchmarks); type-only imports are fine.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only main/electron/**, main/index.ts and preload/index.ts may import electron at runtime.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  { files: electronOnlyHere, rules: { '@typescript-eslint/no-restricted-imports': 'off' } },
);
