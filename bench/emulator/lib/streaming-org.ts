/**
 * The org side of the streaming bench, run as a child process so its memory is measured alone and the subscribers do
 * not share its event loop. Talks over IPC: `produce` writes Accounts at a paced rate (each Description holds the wall
 * time of its commit, in fractional ms), `memory` answers process.memoryUsage() after a GC, `stop` ends it.
 */
import { startEmulator } from '../../../emulator/index';

type Command = { type: 'produce'; rate: number; seconds: number } | { type: 'memory' } | { type: 'status' } | { type: 'stop' };

const wallNow = (): number => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const emulator = await startEmulator({ seed: false, streaming: { connectTimeoutMs: 60_000, clientTimeoutMs: 60_000, maxRetainedEvents: 200_000 } });
  const { access_token: token } = emulator.admin.createSession('admin@orgdesk.example');
  const userId = emulator.admin.users().find((u) => u.username === 'admin@orgdesk.example')?.id ?? '';
  const send = (message: unknown): void => {
    process.send?.(message);
  };

  const produce = async (rate: number, seconds: number): Promise<number> => {
    const total = Math.round(rate * seconds);
    const start = performance.now();
    let written = 0;
    while (written < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      while (written < due) {
        emulator.org.writer.createRecord('Account', { Name: `Bench ${written}`, Description: String(wallNow()) }, { userId, origin: 'rest', apiVersion: '66.0' });
        written += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return written;
  };

  process.on('message', (command: Command) => {
    switch (command.type) {
      case 'produce':
        void produce(command.rate, command.seconds).then((count) => send({ type: 'produced', count }));
        return;
      case 'memory': {
        (globalThis as { gc?: () => void }).gc?.();
        send({ type: 'memory', usage: process.memoryUsage() });
        return;
      }
      case 'status':
        send({ type: 'status', clients: emulator.admin.streaming.clients().filter((c) => c.waiting).length });
        return;
      case 'stop':
        void emulator.stop().then(() => process.exit(0));
        return;
    }
  });
  send({ type: 'ready', url: emulator.url, token });
}

void main();
