import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Starts the local org as its own process (`emulator/cli.ts` on a free port), so a benchmark measures the client's memory
 * and CPU apart from the org's; resolves once it prints the URL it listens on.
 */
export async function startLocalOrgProcess(options: { nodeArgs?: string[]; orgArgs?: string[] } = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'emulator/cli.ts', '--port', '0', ...(options.orgArgs ?? [])], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`The emulator exited with ${String(code)}: ${out}`)));
  });
  return { url, child };
}
