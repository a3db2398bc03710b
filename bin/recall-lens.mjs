#!/usr/bin/env node
// recall-lens command line. Runs the TypeScript sources directly through tsx's ESM loader, so
// `npx recall-lens …` works right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
