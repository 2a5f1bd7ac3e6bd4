#!/usr/bin/env node
// The `orgdesk` bin (package.json "bin"): registers tsx's loader and runs the TypeScript entry, so `npx orgdesk` works straight
// after `npm install` in the repo with no build step (tsx is a devDependency; a packaged CLI would bundle cli/main.ts instead).
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
