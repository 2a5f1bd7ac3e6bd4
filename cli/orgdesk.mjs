#!/usr/bin/env node
// The `orgdesk` bin (package.json "bin"). An installed package, or a checkout after `npm run build`, runs the bundle
// (dist/cli/orgdesk.mjs, made by scripts/build.ts: starts in about 0.1 s). A fresh checkout has none: then tsx's loader
// compiles the TypeScript entry on the fly (tsx is a devDependency), as it does when ORGDESK_FROM_SOURCE=1 asks for the
// sources over a bundle that may be older than them (the CLI's tests do).
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';
import v8 from 'node:v8';

// A load is a batch whose heap peak is short-lived garbage (rows parsed, checked and written), which V8's default growth
// keeps around as resident memory. Sizing the heap for memory, set before anything is allocated, takes the peak RSS of a
// 200k-row insert from about 250 MB to about 150 MB for little CPU (the load mostly waits on the org). A Bulk export is
// CPU-bound (its CPU doubles with it) and the local org is a server: both keep V8's defaults (bench/peers measures both).
// `ORGDESK_V8_FLAGS` replaces the flags ('' for none).
const v8Flags = process.env.ORGDESK_V8_FLAGS ?? (process.argv[2] === 'load' ? '--optimize-for-size' : '');
if (v8Flags.trim() !== '') v8.setFlagsFromString(v8Flags);

const bundle = new URL('../dist/cli/orgdesk.mjs', import.meta.url);
if (process.env.ORGDESK_FROM_SOURCE !== '1' && existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
