#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so the repository needs no build step after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { loadTypeormWithoutSourceMaps } = await import('../storage/typeorm-without-source-maps.ts');
await loadTypeormWithoutSourceMaps();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
