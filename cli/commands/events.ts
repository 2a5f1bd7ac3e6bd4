import { InvalidArgumentError, Option } from 'commander';
import type { ReplayFrom } from '../../shared/ipc/domains/events';
import type { CliCommand } from '../cli-shell';
import type { EventsOptions } from '../events/events-options';

const HELP = `
Each event is one NDJSON line {"channel","replayId","receivedAt","data"} (data as the org sent it), the same lines as the
app's NDJSON export, written to stdout or appended to --out as each batch arrives. Status lines (subscribed, reconnecting,
gap and overflow events, replay-id discontinuities) go to stderr (--quiet keeps all but the subscribed lines). Every
event is also captured in the app's database (shared with the app's viewer: each event is stored once).

Without --replay the run resumes after the last event it wrote out for this org and channel (its own checkpoint, apart
from the app viewer's, moved only once a line is written, so a killed run loses nothing; with --out, after the file's
last line for the channel if that is further, so nothing is written twice), or starts with new events (-1) when there is
none. --replay <id> starts over after that id (over Pub/Sub, with the id's bytes as captured). An id the org no longer keeps fails with exit 2: run again
with --replay -1 or --replay -2. Ctrl+C unsubscribes, writes what is waiting and exits 0.

--api pubsub (the default) subscribes through the Pub/Sub API (gRPC, at the org profile's Pub/Sub endpoint), with
nulledFields and diffFields decoded to field names; --api cometd through the Streaming API (CometD).

Examples:
  orgdesk events /data/ContactChangeEvent --out contacts.ndjson
  orgdesk events /data/ChangeEvents --replay -2 | jq .data.payload.ChangeEventHeader.changeType
  orgdesk events /event/Order_Event__e --replay 1234 --org "Acme sandbox"
  orgdesk events /data/AccountChangeEvent --api cometd`;

/** `orgdesk events CHANNEL`: subscribes with the app's events engine until Ctrl+C and streams each event as an NDJSON line. */
export const eventsCommand: CliCommand = {
  name: 'events',
  register(program, shell) {
    program
      .command('events')
      .description('subscribe to a Change Data Capture or platform event channel until Ctrl+C, one NDJSON line per event')
      .argument('<channel>', 'the channel, case-sensitive: /data/ChangeEvents, /data/ContactChangeEvent, /event/Order_Event__e')
      .option('--replay <from>', '-1 new events only, -2 every event the org keeps, or a replay id to start after (default: the stored checkpoint)', parseReplay)
      .addOption(new Option('--api <api>', 'the event API: pubsub (gRPC) or cometd (Streaming API)').choices(['pubsub', 'cometd']).default('pubsub'))
      .option('--out <file>', 'append the events to this NDJSON file instead of stdout')
      .option('--json', 'the events and the ending in one JSON document on stdout: { state, channel, count, lastReplayId, events (without --out), error?, exitCode }')
      .addHelpText('after', HELP)
      .action(async (channel: string, options: EventsOptions) => {
        const { listen } = await import('../events/events-run');
        await listen(shell, channel, options);
      });
  },
};

/** `-1` → new, `-2` → retained, a whole number ≥ 0 → after that id. */
function parseReplay(text: string): ReplayFrom {
  if (text === '-1') return { kind: 'new' };
  if (text === '-2') return { kind: 'retained' };
  const replayId = Number(text);
  if (/^\d+$/.test(text) && Number.isSafeInteger(replayId)) return { kind: 'id', replayId };
  throw new InvalidArgumentError('Give -1 (new events), -2 (every retained event) or a replay id (a whole number).');
}
