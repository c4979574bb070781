#!/usr/bin/env node
// Runs the compiled CLI when present (production: `npm run build`), otherwise the TypeScript
// sources through tsx (development, simulator).
import { existsSync } from 'node:fs';

process.env.ANJUNGAN_CLI_ENTRY = '1';
const dist = new URL('../dist/cli.js', import.meta.url);
if (existsSync(dist)) {
  await import(dist.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
