/** `npm run emulator -- --port <p> [--pubsub-port <p>] [--seed <n>|--no-seed] [--data-dir <dir>] [--model none|real]`: runs the local org standalone. */
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string' },
    'no-seed': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'pubsub-port': { type: 'string', default: '0' },
    model: { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be a number between 0 and 65535, got ${values.port}\n`);
  process.exit(2);
}
const pubsubPort = Number(values['pubsub-port']);
if (!Number.isInteger(pubsubPort) || pubsubPort < 0 || pubsubPort > 65535) {
  process.stderr.write(`--pubsub-port must be a number between 0 and 65535, got ${values['pubsub-port']}\n`);
  process.exit(2);
}
const options: EmulatorOptions = { port, host: values.host, pubsubPort };
if (values['no-seed']) options.seed = false;
else if (values.seed !== undefined) options.seed = Number(values.seed);
if (values['data-dir'] !== undefined) options.dataDir = values['data-dir'];
if (values.model !== undefined) {
  if (values.model !== 'none' && values.model !== 'real') {
    process.stderr.write(`--model must be none or real, got ${values.model}\n`);
    process.exit(2);
  }
  options.model = values.model;
}

const emulator = await startEmulator(options);
process.stdout.write(`OrgDesk emulator listening on ${emulator.url}\n`);
process.stdout.write(`Pub/Sub API (gRPC, plaintext) on ${emulator.pubsubUrl}\n`);
if (options.model === 'real' || (options.model === undefined && process.env.ORGDESK_ORG_MODEL === 'real')) process.stdout.write('Org model: real (2 MB/s per connection, 5k ingest rows/s and 20k query rows/s per job)\n');
const shutdown = (): void => {
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
