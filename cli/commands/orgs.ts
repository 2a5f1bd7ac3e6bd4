import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { Option, type Command } from 'commander';
import { ORG_ENVIRONMENTS, type OrgProfile, type OrgProfileInput } from '../../shared/salesforce/org-profile';
import { readPrivateKeyPem } from '../../core/auth/private-key';
import { ServiceError } from '../../core/errors';
import { resolveUserPath } from '../../core/orgs/user-path';
import type { CliCommand, CliShell } from '../cli-shell';
import { explainForProfile } from '../demo-org-hint';
import { KEY_PASSPHRASE_ENV } from '../run-key';

/** `orgdesk orgs list | add | test | remove`: the app's Orgs area, on the same profiles and keychain entries. */
export const orgsCommand: CliCommand = {
  name: 'orgs',
  register(program, shell) {
    const orgs = program.command('orgs').description('list, add, test and remove org profiles (the same ones the app shows)');
    registerList(orgs, shell);
    registerAdd(orgs, shell);
    registerTest(orgs, shell);
    registerRemove(orgs, shell);
  },
};

type ListOptions = { json?: boolean };

function registerList(orgs: Command, shell: CliShell): void {
  orgs
    .command('list')
    .description('list the org profiles; * marks the active one')
    .option('--json', 'print the profiles as JSON (no keys or tokens are ever in them)')
    .action(async (options: ListOptions) => {
      const { orgs: service } = await shell.services();
      const active = service.activeOrgId();
      const profiles = service.list();
      if (options.json === true) {
        shell.json.printed();
        shell.io.stdout.write(`${JSON.stringify(profiles.map((p) => ({ ...p, active: p.id === active })), null, 2)}\n`);
        return;
      }
      if (profiles.length === 0) {
        shell.note('No org profiles yet: add one with orgdesk orgs add (see orgdesk orgs add --help).');
        return;
      }
      const rows = profiles.map((p) => [p.id === active ? '*' : ' ', p.label + (p.isDemo ? ' (demo)' : ''), loginOf(p), p.username, certificateOf(p), p.id]);
      shell.io.stdout.write(table([[' ', 'LABEL', 'LOGIN', 'USERNAME', 'CERTIFICATE', 'ID'], ...rows]));
    });
}

type AddOptions = {
  label: string;
  username: string;
  consumerKey: string;
  env?: string;
  myDomainUrl?: string;
  apiVersion?: string;
  pubsubEndpoint?: string;
  color: string;
  importKey?: string;
  certificateOut?: string;
  activate?: boolean;
  json?: boolean;
};

const FLAG_OF: Record<string, string> = {
  label: '--label',
  environment: '--env',
  myDomainUrl: '--my-domain-url',
  consumerKey: '--consumer-key',
  username: '--username',
  apiVersion: '--api-version',
  pubsubEndpoint: '--pubsub-endpoint',
  color: '--color',
};

function registerAdd(orgs: Command, shell: CliShell): void {
  orgs
    .command('add')
    .description('add a profile: generate a key into the keychain and save its certificate to upload to the connected app')
    .requiredOption('--label <text>', 'the name shown for the org')
    .requiredOption('--username <username>', 'the Salesforce user to log in as')
    .requiredOption('--consumer-key <key>', "the connected app's consumer key")
    .addOption(new Option('--env <environment>', 'where it logs in (default: mydomain with --my-domain-url, else production)').choices(ORG_ENVIRONMENTS))
    .option('--my-domain-url <url>', 'the My Domain URL, such as https://acme.my.salesforce.com')
    .option('--api-version <version>', 'pin an API version such as 62.0 (default: the newest the org offers)')
    .option('--pubsub-endpoint <host:port>', "the org's Pub/Sub API endpoint (default: api.pubsub.salesforce.com:7443)")
    .option('--color <hex>', 'the badge colour', '#0176d3')
    .option('--import-key <path>', `import this PEM key into the keychain instead of generating one (passphrase in $${KEY_PASSPHRASE_ENV})`)
    .option('--certificate-out <path>', 'where to save the certificate (default: ./orgdesk-<label>.crt)')
    .option('--activate', 'make it the active org (default: when no org is active)')
    .option('--json', 'print the profile and the certificate path as JSON')
    .addHelpText(
      'after',
      '\nWith --key-file or $ORGDESK_PRIVATE_KEY (CI), no key is generated or stored: the certificate is made from that key\n' +
        'and every later run logs in with it. Upload the certificate to the connected app (Use digital signatures).',
    )
    .action(async (options: AddOptions) => {
      const input = await profileInput(options);
      const { certificateFileName, certificateForKey } = await import('../../core/auth/certificate');
      const services = await shell.services();
      const { orgs: service, runKey, clock } = services;
      const created = service.create(input);
      let certificatePath: string;
      try {
        const target = resolveUserPath(options.certificateOut ?? certificateFileName(created.label), homedir(), shell.io.cwd);
        if (runKey !== null) {
          // The run key is not stored anywhere: the certificate is made from it and only written to the file asked for.
          const pem = await certificateForKey(readPrivateKeyPem(runKey.pkcs8Pem).key, { commonName: created.label, now: new Date(clock.now()) });
          certificatePath = await writeCertificate(target, pem);
        } else {
          if (options.importKey === undefined) await service.generateKey(created.id);
          else await service.importKey(created.id, resolveUserPath(options.importKey, homedir(), shell.io.cwd), shell.io.env[KEY_PASSPHRASE_ENV]);
          certificatePath = (await service.saveCertificate(created.id, target)).path;
        }
      } catch (error) {
        // A profile whose key could not be made is of no use: take it back out, so the command did all or nothing.
        await service.delete(created.id).catch(() => undefined);
        throw error;
      }
      if (options.activate === true || service.activeOrgId() === null) service.setActive(created.id);
      const profile = service.get(created.id);
      shell.note('Upload the certificate to the connected app (Setup → App Manager → the app → Edit → Use digital signatures), then run orgdesk orgs test.');
      if (options.json === true) {
        shell.json.printed();
        shell.io.stdout.write(`${JSON.stringify({ profile, certificatePath, keyStored: runKey === null }, null, 2)}\n`);
        return;
      }
      const out = shell.io.stdout;
      out.write(`Added ${profile.label} (${profile.id})${service.activeOrgId() === profile.id ? ', the active org' : ''}.\n`);
      out.write(runKey === null ? 'Its private key is in the OS keychain.\n' : `No key was stored: runs log in with the key from ${runKey.source}.\n`);
      out.write(`Certificate: ${certificatePath}\n`);
    });
}

type JsonOption = { json?: boolean };

function registerTest(orgs: Command, shell: CliShell): void {
  orgs
    .command('test')
    .description('log in afresh and show the org id, user, instance, API version and daily API usage')
    .argument('[org]', 'the profile label or id (default: --org, else the active one)')
    .option('--json', 'print the result as JSON')
    .action(async (requested: string | undefined, options: JsonOption) => {
      const { orgs: service } = await shell.services();
      const profile = shell.chooseOrg(service, requested);
      const result = await service.testConnection(profile.id, shell.signal).catch((error: unknown) => {
        throw explainForProfile(profile, error);
      });
      // A fresh login is a good moment to refresh the object names shell completion offers.
      const { rememberObjectNames } = await import('../completion/object-names');
      const { userDataDir } = await shell.services();
      await rememberObjectNames(userDataDir, profile.id, (await service.connection(profile.id, shell.signal)).rest, { force: true, signal: shell.signal });
      if (options.json === true) {
        shell.json.printed();
        shell.io.stdout.write(`${JSON.stringify({ profile: profile.label, ...result }, null, 2)}\n`);
        return;
      }
      shell.io.stdout.write(
        `Connected to ${profile.label}.\n` +
          table([
            ['org id', result.orgId],
            ['user', `${result.username} (${result.userId})`],
            ['instance', result.instanceUrl],
            ['API version', result.apiVersion],
            ['API usage', `${result.apiUsage.used} of ${result.apiUsage.max} requests today`],
          ]),
      );
    });
}

function registerRemove(orgs: Command, shell: CliShell): void {
  orgs
    .command('remove')
    .description('delete a profile and its private key from the keychain')
    .argument('<org>', 'the profile label or id')
    .action(async (requested: string) => {
      const { orgs: service } = await shell.services();
      const profile = shell.chooseOrg(service, requested);
      await service.delete(profile.id);
      shell.io.stdout.write(`Removed ${profile.label}${profile.certificate === null ? '' : ' and its private key from the keychain'}.\n`);
    });
}

/** The profile fields from the flags, checked by the app's own schema (same messages), each problem naming its flag. */
async function profileInput(options: AddOptions): Promise<OrgProfileInput> {
  const { orgsSchemas } = await import('../../shared/ipc/domains/orgs');
  const environment = options.env ?? (options.myDomainUrl === undefined ? 'production' : 'mydomain');
  const raw = {
    label: options.label,
    environment,
    myDomainUrl: options.myDomainUrl ?? null,
    consumerKey: options.consumerKey,
    username: options.username,
    apiVersion: options.apiVersion ?? null,
    pubsubEndpoint: options.pubsubEndpoint ?? null,
    color: options.color,
  };
  const parsed = orgsSchemas['orgs:create'].safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${FLAG_OF[String(issue.path[0])] ?? String(issue.path[0] ?? 'input')}: ${issue.message}`);
    throw new ServiceError('VALIDATION', `The profile is not valid: ${problems.join('; ')}.`, 'Fix the flags named above (orgdesk orgs add --help lists them).');
  }
  return parsed.data;
}

async function writeCertificate(path: string, pem: string): Promise<string> {
  if (!/\.(crt|cer|pem)$/i.test(path)) {
    throw new ServiceError('VALIDATION', 'A certificate is saved as a .crt, .cer or .pem file.', 'Pick a file name ending in .crt for --certificate-out.');
  }
  try {
    await writeFile(path, pem, { mode: 0o644 });
  } catch (error) {
    throw new ServiceError('FILE', `The certificate could not be saved to ${path}.`, 'Pick a folder you can write to (--certificate-out).', { cause: error });
  }
  return path;
}

function loginOf(profile: OrgProfile): string {
  return profile.environment === 'mydomain' ? (profile.myDomainUrl ?? 'mydomain') : profile.environment;
}

function certificateOf(profile: OrgProfile): string {
  const info = profile.certificate;
  if (info === null) return 'none';
  if (info.expired) return `expired ${info.notAfter.slice(0, 10)}`;
  return `until ${info.notAfter.slice(0, 10)}${info.expiresSoon ? ' (renew soon)' : ''}`;
}

/** Left-aligned columns two spaces apart (a handful of rows: profiles, test results). */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  return rows.map((row) => `${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`).join('');
}
