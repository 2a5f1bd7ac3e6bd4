/**
 * Bench (b) of issue 5, in Chromium: the real renderer (App → Query area → result grid) driven by a fake main process that
 * serves row windows of a 200,000 × 20 result the way the query service does. Prints, without asserting:
 *   - time from a page's arrival (`query:progress`) to its rows painted, for the first page and for every later page of a
 *     sorted result (each page changes the rows on screen: sorted newest first);
 *   - frame times from the Performance API while scrolling the 200k rows (steady, fast, random jumps, horizontal), with script/style/layout ms per frame from CDP;
 *   - the renderer's JS heap after GC with 200k rows loaded, next to what holding them all in the page would cost.
 *
 *   npx tsx bench/query/renderer-grid.ts [--rows 200000] [--page 2000]
 * Chromium: ORGDESK_CHROMIUM, else /usr/bin/chromium, else Playwright's own.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import react from '@vitejs/plugin-react';
import { chromium, type Page } from '@playwright/test';
import { build } from 'vite';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' }, page: { type: 'string', default: '2000' } } });
const ROWS = Number(values.rows);
const PAGE = Number(values.page);
const root = fileURLToPath(new URL('../..', import.meta.url));
const work = join(root, 'node_modules/.cache/orgdesk-bench-renderer-grid');

/** The page: the real App with a fake `window.orgdesk` standing in for main (20 columns, rows generated per window). */
const pageSource = `
import '@salesforce-ux/design-system/assets/styles/salesforce-lightning-design-system.css';
import '${root}renderer/src/styles/theme.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createFakeBridge } from '${root}renderer/test/fake-bridge';
import { App } from '${root}renderer/src/app/app';

const TOTAL = ${ROWS};
const COLUMNS = ['Id', 'Name', 'Owner.Name', 'Account.Name', 'Email', 'Phone', 'Title', 'Department', 'LeadSource', 'MailingCity',
  'MailingCountry', 'Birthdate', 'CreatedDate', 'LastModifiedDate', 'HasOptedOutOfEmail', 'Description', 'External_Id__c',
  'Account.Industry', 'Account.Owner.Email', 'AnnualRevenue'];
let fetched = 0;
let runState = 'running';
const pad = (n) => String(n).padStart(7, '0');
const id = (n) => '003' + pad(n).padStart(12, '0');
const row = (i) => [id(i), 'Contact ' + pad(i), 'Owner ' + (i % 50), 'Account ' + (i % 3000), 'c' + i + '@example.com',
  '+1 555 ' + pad(i), i % 7 === 0 ? null : 'Title ' + (i % 40), i % 5 === 0 ? '' : 'Dept ' + (i % 12), 'Web', 'City ' + (i % 900),
  'Country ' + (i % 60), '1980-01-' + String(1 + (i % 28)).padStart(2, '0'), '2026-01-01T00:00:00.000+0000',
  '2026-02-01T00:00:00.000+0000', i % 2 === 0, 'Some description text for row ' + i, 'EXT-' + i, 'Industry ' + (i % 20),
  'owner' + (i % 50) + '@example.com', i * 10.5];
const fake = createFakeBridge({
  'app:info': { version: 'bench', platform: 'linux', mode: 'browser' },
  'orgs:list': [{ id: 'org', label: 'Bench org', environment: 'production', myDomainUrl: null, consumerKey: 'k', username: 'bench@example.com',
    apiVersion: null, color: '#0176d3', isDemo: true, certificate: null, instanceUrl: null, createdAt: '2026-01-01', updatedAt: '2026-01-01' }],
  'orgs:active': { activeOrgId: 'org' },
  'query:tabs-load': { tabs: [{ id: 't1', title: 'Contacts', soql: 'SELECT ' + COLUMNS.join(', ') + ' FROM Contact' }], activeId: 't1' },
  'query:tabs-save': { saved: true },
  'query:objects': [],
  'query:history': [],
  'query:saved-list': [],
  'query:run': { runId: 'bench' },
  'query:rows': (args) => {
    const desc = args.sort[0]?.descending === true;
    const count = Math.max(0, Math.min(args.limit, fetched - args.offset));
    const rows = new Array(count);
    for (let k = 0; k < count; k += 1) rows[k] = row(desc ? fetched - 1 - (args.offset + k) : args.offset + k);
    return { offset: args.offset, rows, matched: fetched, fetched, totalSize: TOTAL };
  },
});
Object.defineProperty(window, 'orgdesk', { value: fake.bridge });
const progress = () => ({ runId: 'bench', state: runState, source: 'rest', fetched, totalSize: TOTAL, durationMs: 0,
  columns: COLUMNS.map((path) => ({ path, kind: 'field' })) });
window.__bench = {
  /** Emits a page of \`n\` more rows and resolves with ms until the top row shows \`expect\` and a frame was painted. */
  page(n, expect, done) {
    return new Promise((resolve) => {
      const t0 = performance.now();
      fetched = Math.min(TOTAL, fetched + n);
      if (done) runState = 'done';
      fake.emit('query:progress', progress());
      const check = () => {
        const cell = document.querySelector('[aria-label="Query results"] [role=row][aria-rowindex="2"] [role=gridcell]:nth-child(3)');
        if (cell !== null && cell.textContent === expect) requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
        else setTimeout(check, 0);
      };
      check();
    });
  },
  /** Scrolls the grid for \`frames\` frames (steady steps, or random jumps) and resolves with each frame's duration. */
  scroll(frames, step, jumps, horizontal) {
    const scroller = document.querySelector('[aria-label="Query results"] [data-testid=grid-scroller]');
    const times = [];
    let placeholders = 0;
    return new Promise((resolve) => {
      let last = performance.now();
      let left = frames;
      const tick = (now) => {
        times.push(now - last);
        last = now;
        placeholders += document.querySelectorAll('[aria-label="Query results"] .orgdesk-grid__loading').length > 0 ? 1 : 0;
        if (left-- <= 0) return resolve({ times: times.slice(1), placeholders });
        if (horizontal) {
          const max = scroller.scrollWidth - scroller.clientWidth;
          const next = scroller.scrollLeft + step;
          if (next > max || next < 0) step = -step;
          scroller.scrollLeft = Math.min(max, Math.max(0, next));
        } else {
          scroller.scrollTop = jumps ? Math.random() * (scroller.scrollHeight - scroller.clientHeight) : scroller.scrollTop + step;
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
    });
  },
  /** DOM elements in the grid, and per drawn row (cells included). */
  nodes() {
    const grid = document.querySelector('[aria-label="Query results"]');
    const rows = grid.querySelectorAll('[role=row][aria-rowindex]');
    let inRows = 0;
    for (const r of rows) inRows += r.querySelectorAll('*').length + 1;
    return { grid: grid.querySelectorAll('*').length, rows: rows.length, perRow: inRows / Math.max(1, rows.length - 1) };
  },
  /** Builds what holding every row in the page would take, to compare heaps. */
  holdAll() { window.__all = Array.from({ length: TOTAL }, (_, i) => row(i)); return window.__all.length; },
  dropAll() { window.__all = null; },
};
createRoot(document.getElementById('root')).render(<StrictMode><App /></StrictMode>);
`;

function writePage(): void {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>grid bench</title></head><body style="margin:0;height:100vh"><div id="root" style="height:100vh"></div><script type="module" src="./main.tsx"></script></body></html>');
  writeFileSync(join(work, 'main.tsx'), pageSource);
}

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.svg': 'image/svg+xml' };

async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = join(dir, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = existsSync(path) && !path.endsWith('/') ? path : join(dir, 'index.html');
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}/` };
}

const stats = (xs: number[]): { median: number; p95: number; max: number; mean: number } => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] ?? 0, mean: xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length) };
};
const ms = (n: number): string => `${n.toFixed(1)} ms`;
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function heap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usage.usedSize;
}

async function main(): Promise<void> {
  writePage();
  await build({
    configFile: false,
    root: work,
    base: './',
    logLevel: 'error',
    plugins: [react()],
    worker: { format: 'es' },
    build: { outDir: join(work, 'dist'), emptyOutDir: true, target: 'chrome130', chunkSizeWarningLimit: 10_000 },
  });
  const { server, url } = await serve(join(work, 'dist'));
  const executablePath = process.env['ORGDESK_CHROMIUM'] ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const browser = await chromium.launch({
    ...(executablePath === undefined ? {} : { executablePath }),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(url);
    await page.locator('.monaco-editor').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: /Run/ }).click();
    const grid = page.getByRole('grid', { name: 'Query results' });
    const pad = (n: number): string => String(n).padStart(7, '0');

    const first = await page.evaluate(([n, expect]) => (window as unknown as BenchWindow).__bench.page(n, expect, false), [PAGE, `Contact ${pad(0)}`] as const);
    await grid.getByTitle(/^Sort by Name/).click();
    await grid.getByTitle(/^Sort by Name/).click();
    await page.waitForFunction(() => document.querySelector('[aria-label="Query results"] [role=columnheader][aria-sort=descending]') !== null);
    const later: number[] = [];
    for (let fetched = PAGE; fetched < ROWS; fetched += PAGE) {
      const next = Math.min(ROWS, fetched + PAGE);
      later.push(await page.evaluate(([n, expect, done]) => (window as unknown as BenchWindow).__bench.page(n, expect, done), [PAGE, `Contact ${pad(next - 1)}`, next >= ROWS] as const));
    }
    const arrival = stats(later);
    console.log(`Rows: ${ROWS.toLocaleString()} × 20 columns, pages of ${PAGE.toLocaleString()} (fake main, real renderer; Chromium ${browser.version()})`);
    console.log(`Page arrival → rows painted: first page ${ms(first)}; later pages of a sorted result (n=${later.length}) median ${ms(arrival.median)}, p95 ${ms(arrival.p95)}, max ${ms(arrival.max)}   [target < 100 ms]`);

    await page.evaluate(() => (window as unknown as BenchWindow).__bench.scroll(30, 0, false, false));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Record<string, number>> =>
      Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const dom = await page.evaluate(() => (window as unknown as BenchWindow).__bench.nodes());
    console.log(`DOM: ${dom.grid} elements in the grid, ${dom.rows} rows drawn, ${dom.perRow.toFixed(1)} elements per row (cells included)`);
    const cpu: string[] = [];
    for (const [label, frames, step, jumps, horizontal] of [
      ['steady scroll, 120 px/frame (7,200 px/s)', 600, 120, false, false],
      ['fast scroll, 600 px/frame (36,000 px/s)', 300, 600, false, false],
      ['random jumps, one per frame', 120, 0, true, false],
      ['horizontal scroll, 60 px/frame, back and forth', 300, 60, false, true],
    ] as const) {
      const before = await metrics();
      const result = await page.evaluate(([f, s, j, h]) => (window as unknown as BenchWindow).__bench.scroll(f, s, j, h), [frames, step, jumps, horizontal] as const);
      const after = await metrics();
      const delta = (name: string): number => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000 / result.times.length;
      const per = (name: string): string => delta(name).toFixed(1);
      const own = delta('ScriptDuration') + delta('RecalcStyleDuration') + delta('LayoutDuration');
      cpu.push(
        `  ${label.padEnd(48)} script ${per('ScriptDuration').padStart(5)}  style ${per('RecalcStyleDuration').padStart(5)}  layout ${per('LayoutDuration').padStart(5)}  = ${own.toFixed(1).padStart(5)} ms  (other main-thread work: paint, commit, … ${(delta('TaskDuration') - own).toFixed(1)} ms; main-thread CPU time ${per('ThreadTime')} ms)`,
      );
      const frame = stats(result.times);
      const slow = result.times.filter((t) => t > 20).length;
      console.log(
        `Scrolling, ${label}: ${(1000 / frame.mean).toFixed(1)} fps (mean ${ms(frame.mean)}, median ${ms(frame.median)}, p95 ${ms(frame.p95)}, max ${ms(frame.max)}), ` +
          `${slow}/${result.times.length} frames > 20 ms, ${result.placeholders} frames showing rows still loading   [target ≥ 55 fps]`,
      );
      console.log(`  main-thread ms per frame: script ${per('ScriptDuration')}, style ${per('RecalcStyleDuration')}, layout ${per('LayoutDuration')}, all tasks ${per('TaskDuration')}`);
    }

    console.log('CPU per frame on the main thread (less noisy than fps on a shared machine):');
    for (const line of cpu) console.log(line);
    await cdp.detach();
    const held = await page.locator('.orgdesk-results__count').innerText();
    const loaded = await heap(page);
    const count = await page.evaluate(() => (window as unknown as BenchWindow).__bench.holdAll());
    const naive = await heap(page);
    await page.evaluate(() => (window as unknown as BenchWindow).__bench.dropAll());
    console.log(`Renderer JS heap after GC with ${held} loaded: ${mb(loaded)}   [target < 150 MB]`);
    console.log(`For comparison, the same page also holding all ${count.toLocaleString()} rows in memory: ${mb(naive)} (+${mb(naive - loaded)})`);
  } finally {
    await browser.close();
    server.close();
  }
}

type BenchWindow = {
  __bench: {
    page: (n: number, expect: string, done: boolean) => Promise<number>;
    scroll: (frames: number, step: number, jumps: boolean, horizontal: boolean) => Promise<{ times: number[]; placeholders: number }>;
    nodes: () => { grid: number; rows: number; perRow: number };
    holdAll: () => number;
    dropAll: () => void;
  };
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
