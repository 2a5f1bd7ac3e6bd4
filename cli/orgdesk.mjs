#!/usr/bin/env node
// The `orgdesk` bin (package.json "bin"). An installed package, or a checkout after `npm run build`, runs the bundle
// (dist/cli/orgdesk.mjs, made by scripts/build.ts: starts in about 0.1 s). A fresh checkout has none: then tsx's loader
// compiles the TypeScript entry on the fly (tsx is a devDependency), as it does when ORGDESK_FROM_SOURCE=1 asks for the
// sources over a bundle that may be older than them (the CLI's tests do).
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const bundle = new URL('../dist/cli/orgdesk.mjs', import.meta.url);
if (process.env.ORGDESK_FROM_SOURCE !== '1' && existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
