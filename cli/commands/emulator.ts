import { once } from 'node:events';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { EmulatorOptions } from '../../emulator/index';
import type { CliCommand } from '../cli-shell';
import { EXIT } from '../exit-codes';

type EmulatorFlags = { port: number; pubsubPort: number; host: string; seed?: number; dataDir?: string };

/** `orgdesk emulator`: runs the local org (the demo org's engine) until Ctrl+C. */
export const emulatorCommand: CliCommand = {
  name: 'emulator',
  register(program, shell) {
    program
      .command('emulator')
      .description('run the local Salesforce org (OAuth JWT, REST, SOQL, Bulk API 2.0, Streaming and Pub/Sub APIs, admin API) until Ctrl+C')
      .option('--port <port>', 'the port to listen on (0 picks a free one)', parsePort, 0)
      .option('--pubsub-port <port>', 'the port of the Pub/Sub API, gRPC without TLS (0 picks a free one)', parsePort, 0)
      .option('--host <host>', 'the interface to bind', '127.0.0.1')
      .option('--seed <n>', 'the seed number of the demo data (default 1)', parseSeed)
      .option('--no-seed', 'an org with only its users, no demo data')
      .option('--data-dir <dir>', 'keep the org in this folder across runs (default: in memory)')
      .addHelpText('after', '\nIts admin API (register a connected app, users, faults) is described in emulator/README.md.')
      .action(async (flags: EmulatorFlags & { seed?: number | false }) => {
        const options: EmulatorOptions = { port: flags.port, pubsubPort: flags.pubsubPort, host: flags.host };
        if (flags.seed !== undefined) options.seed = flags.seed;
        if (flags.dataDir !== undefined) options.dataDir = resolve(shell.io.cwd, flags.dataDir);
        const { startEmulator } = await import('../../emulator/index');
        const emulator = await startEmulator(options);
        shell.io.stdout.write(`OrgDesk emulator listening on ${emulator.url}\n`);
        shell.io.stdout.write(`Pub/Sub API (gRPC, plaintext) on ${emulator.pubsubUrl}\n`);
        shell.note('Log in as admin@orgdesk.example once a connected app is registered (POST /__emulator/connected-apps). Ctrl+C stops it.');
        if (!shell.signal.aborted) await once(shell.signal, 'abort');
        await emulator.stop();
        shell.setExitCode(EXIT.ok);
      });
  },
};

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return port;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0) throw new InvalidArgumentError('the seed is a whole number.');
  return seed;
}
