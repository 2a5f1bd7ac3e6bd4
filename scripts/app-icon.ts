/**
 * `npx tsx scripts/app-icon.ts`: renders the app icon (renderer/public/orgdesk-icon.svg, the one source) to
 * build/icon.png at 512×512 for electron-builder, which derives the macOS .icns and Windows .ico from it.
 * Chromium: ORGDESK_CHROMIUM, else /usr/bin/chromium, else Playwright's own.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const SIZE = 512;
const source = fileURLToPath(new URL('../renderer/public/orgdesk-icon.svg', import.meta.url));
const target = fileURLToPath(new URL('../build/icon.png', import.meta.url));

async function main(): Promise<void> {
  const executablePath = process.env['ORGDESK_CHROMIUM'] ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const browser = await chromium.launch({ ...(executablePath === undefined ? {} : { executablePath }), args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE } });
    const svg = readFileSync(source).toString('base64');
    await page.setContent(`<body style="margin:0;background:transparent"><img src="data:image/svg+xml;base64,${svg}" width="${SIZE}" height="${SIZE}" style="display:block"></body>`);
    mkdirSync(fileURLToPath(new URL('../build', import.meta.url)), { recursive: true });
    await page.screenshot({ path: target, omitBackground: true });
    console.log(`Wrote ${target} (${SIZE}×${SIZE}).`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
