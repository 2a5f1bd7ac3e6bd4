import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startEmulator } from './index';
import { makeKeyAndCertificate } from './testing';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const SMALL = { accounts: 5, contacts: 5, opportunities: 1, cases: 1, leads: 1, invoices: 1 };

describe('startEmulator', () => {
  it('keeps the org and its connected apps across restarts when dataDir is set', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orgdesk-emulator-'));
    try {
      const first = await startEmulator({ dataDir, seedSize: SMALL });
      const admin = first.admin.users()[0]?.id as string;
      const { id } = first.org.writer.createRecord('Account', { Name: 'Survives a restart', External_Id__c: 'KEEP-1' }, { userId: admin, origin: 'test' });
      await first.admin.registerConnectedApp({ consumerKey: 'kept', certificate: (await makeKeyAndCertificate()).certificatePem, preAuthorizedUsernames: [] });
      await first.stop();
      const second = await startEmulator({ dataDir, seedSize: SMALL });
      expect(second.org.store.findById(id)?.row.Name).toBe('Survives a restart');
      expect(second.org.store.findByIndexedValue('Account', 'External_Id__c', 'keep-1')).toHaveLength(1);
      const next = second.org.writer.createRecord('Account', { Name: 'After restart' }, { userId: admin, origin: 'test' });
      expect(next.id).not.toBe(id);
      const token = await fetch(`${second.url}/services/oauth2/token`, { method: 'POST', body: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c' });
      expect(token.status).toBe(400);
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('is deterministic: the same seed gives the same ids and values', async () => {
    const a = await startEmulator({ seed: 5, seedSize: SMALL, now: () => new Date('2026-01-01T00:00:00Z') });
    const b = await startEmulator({ seed: 5, seedSize: SMALL, now: () => new Date('2026-01-01T00:00:00Z') });
    try {
      expect([...a.org.store.rows('Contact', { includeDeleted: false })]).toEqual([...b.org.store.rows('Contact', { includeDeleted: false })]);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('runs standalone from the CLI and prints the line scripts wait for', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--port', '0', '--no-seed'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /OrgDesk emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
          if (match) resolve(match[0].trim());
        });
        child.on('exit', (code) => reject(new Error(`the CLI exited with ${String(code)} before listening: ${out}`)));
      });
      const url = line.replace('OrgDesk emulator listening on ', '');
      const versions = await fetch(`${url}/services/data`);
      expect(versions.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
