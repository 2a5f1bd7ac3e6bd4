import { homedir } from 'node:os';
import { InvalidArgumentError, Option } from 'commander';
import { LOAD_OPERATIONS, type CsvEncoding, type FieldMapping, type LoadOperation, type LoadPlan, type LoadSummary } from '../../shared/ipc/domains/load';
import { assertNever } from '../../shared/ipc/result';
import type { OrgProfile } from '../../shared/salesforce/org-profile';
import { ServiceError } from '../../core/errors';
import { createLoadJournal, type LoadRunOptions } from '../../core/load';
import { resolveUserPath } from '../../core/orgs/user-path';
import type { CliLoads, CliServices } from '../cli-services';
import type { CliCommand, CliShell } from '../cli-shell';
import { explainForProfile } from '../demo-org-hint';
import { EXIT } from '../exit-codes';
import { MAPPING_FILE_HELP, readMappingFile } from '../load/mapping-file';
import { createLoadProgressView } from '../load/load-progress';
import { everyRowLoaded, mappingLines, outcomeLines, preflightLines } from '../load/load-report';

type LoadCommandOptions = {
  object?: string;
  operation?: LoadOperation;
  externalId?: string;
  mapping?: string;
  validateOnly?: boolean;
  excludeInvalid?: boolean;
  resume?: string;
  dateOrder?: LoadPlan['dates']['dateOrder'];
  timeZone?: string;
  outDir?: string;
  concurrency?: number;
  maxJobBytes?: number;
  encoding?: CsvEncoding;
  json?: boolean;
  list?: boolean;
};

const ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1'] as const satisfies readonly CsvEncoding[];

const integerIn =
  (min: number, max: number) =>
  (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`Give a whole number from ${min} to ${max}.`);
    return value;
  };

const EXAMPLES = `
Examples:
  orgdesk load contacts.csv --object Contact --operation insert
  orgdesk load accounts.csv --object Account --operation upsert --external-id External_Id__c --exclude-invalid
  orgdesk load leads.csv --object Lead --operation insert --mapping leads.mapping.json --validate-only
  orgdesk load --list                       # the latest loads and their ids
  orgdesk load --resume 3f2c9a1e-...        # an interrupted load, from the journal (the app's database)

The file is mapped like the app maps it: the mapping saved for these headers, else columns matched to fields by API name,
then label. ${MAPPING_FILE_HELP}

The pre-flight report is printed first; --validate-only stops there (exit 0 when every row is valid, 10 when some are not).
A file with invalid rows is only loaded with --exclude-invalid (the invalid rows go to the excluded file). The success,
failure and unprocessed files are written beside the file (or into --out-dir); every input row is in exactly one of them
or in the excluded file. Exit 10 when the load ran but not every row was loaded. Ctrl+C cancels: open jobs are aborted and
the summary says what was already committed (exit 130).`;

/** `orgdesk load FILE`: maps, checks and loads a CSV file through Bulk API 2.0 jobs with the app's engine and journal. */
export const loadCommand: CliCommand = {
  name: 'load',
  register(program, shell) {
    program
      .command('load')
      .description('load a CSV file into an object through Bulk API 2.0 (pre-flight first, result files that add up)')
      .argument('[file]', 'the CSV file (not needed with --resume)')
      .option('--object <name>', 'the object to load into (Account, Contact, My_Object__c)')
      .addOption(new Option('--operation <operation>', 'what to do with each row').choices(LOAD_OPERATIONS))
      .option('--external-id <field>', 'the external id field that matches rows to records (upsert)')
      .option('--mapping <file>', 'a JSON mapping file instead of the saved or suggested mapping (see below)')
      .option('--validate-only', 'print the pre-flight report and stop: nothing is sent')
      .option('--exclude-invalid', 'load the valid rows and write the invalid ones to the excluded file')
      .option('--resume <load-id>', 'resume an interrupted load from the journal')
      .addOption(new Option('--date-order <order>', 'day order of dates written with / . or - (ISO 8601 is always read)').choices(['ymd', 'mdy', 'dmy']))
      .option('--time-zone <zone>', 'IANA time zone of date-times without an offset (default: this computer\'s)')
      .addOption(new Option('--encoding <encoding>', 'read the file in this encoding (UTF-8 is detected)').choices(ENCODINGS))
      .option('--out-dir <dir>', 'where the result files go (default: beside the file)')
      .option('--concurrency <jobs>', 'Bulk jobs running at once (default 2)', integerIn(1, 10))
      .option('--max-job-bytes <bytes>', 'the largest CSV one job uploads (default and maximum 100,000,000)', integerIn(1024, 100_000_000))
      .option('--list', 'list the 20 latest loads (ids, states, counts) from the journal, and stop')
      .option('--json', 'print the pre-flight report (with --validate-only), the load summary or the list as JSON on stdout')
      .addHelpText('after', EXAMPLES)
      .action((file: string | undefined, options: LoadCommandOptions) => {
        if (options.list === true) return listLoads(shell, options);
        return options.resume === undefined ? runLoad(shell, file, options) : resumeLoad(shell, options.resume, file, options);
      });
  },
};

/** Where the person-facing lines go: stdout, or stderr when stdout carries JSON. */
function reporter(shell: CliShell, options: LoadCommandOptions): (lines: string[]) => void {
  const stream = options.json === true ? shell.io.stderr : shell.io.stdout;
  return (lines) => {
    for (const line of lines) stream.write(`${line}\n`);
  };
}

/** The reader's "read it as Windows-1252" advice, said the way the CLI does it. */
function withEncodingOption(error: unknown): unknown {
  if (!(error instanceof ServiceError) || error.hint === undefined || !/Windows-1252/.test(error.hint)) return error;
  return new ServiceError(error.code, error.message, `${error.hint} (orgdesk load ... --encoding windows-1252)`, { cause: error });
}

function cancelledBeforeSending(): ServiceError {
  return new ServiceError('CANCELLED', 'The load was cancelled before anything was sent.');
}

async function connect(shell: CliShell, services: CliServices, profile: OrgProfile): Promise<void> {
  await services.orgs.connection(profile.id, shell.signal).catch((error: unknown) => {
    throw explainForProfile(profile, error);
  });
}

async function runLoad(shell: CliShell, file: string | undefined, options: LoadCommandOptions): Promise<void> {
  if (file === undefined) throw new ServiceError('VALIDATION', 'No CSV file was given.', 'Pass the file to load (orgdesk load FILE --object X --operation insert), or --resume ID.');
  if (options.object === undefined) throw new ServiceError('VALIDATION', 'No object was given.', 'Pass --object with the API name of the object to load into (Account, My_Object__c).');
  if (options.operation === undefined) throw new ServiceError('VALIDATION', 'No operation was given.', `Pass --operation ${LOAD_OPERATIONS.join('|')}.`);
  if (options.operation === 'upsert' && options.externalId === undefined) {
    throw new ServiceError('VALIDATION', 'An upsert needs an external id field.', 'Pass --external-id with the field that matches rows to records (or Id).');
  }
  const print = reporter(shell, options);
  const services = await shell.services();
  const profile = shell.chooseOrg(services.orgs);
  await connect(shell, services, profile);
  const loads = services.loads();
  const { service } = loads;
  const path = resolveUserPath(file, homedir(), shell.io.cwd);
  const mappingFile = options.mapping === undefined ? null : await readMappingFile(resolveUserPath(options.mapping, homedir(), shell.io.cwd));
  const opened = await service.open({ kind: 'path', path }, undefined, options.encoding).catch((error: unknown) => {
    throw withEncodingOption(error);
  });
  try {
    print([
      `File: ${opened.path} (${opened.rowCount.toLocaleString('en-US')} rows, ${opened.headers.length} columns, ${opened.encoding}${opened.bom ? ' with BOM' : ''}, ` +
        `delimiter ${JSON.stringify(opened.delimiter)}, ${opened.lineEnding})`,
      `Org: ${profile.label} · ${options.operation} into ${options.object}`,
    ]);
    let mappings: FieldMapping[];
    if (mappingFile === null) {
      const suggested = await service.suggestMapping(profile.id, opened.fileId, options.object, options.operation);
      mappings = suggested.mappings;
      print(mappingLines(mappings, suggested.unmappedColumns, suggested.fromSaved ? 'saved for these headers' : 'suggested from the headers'));
    } else {
      mappings = mappingFile.mappings;
      const used = new Set(mappings.flatMap((m) => (m.source === 'column' ? [m.column.trim().toLowerCase()] : [])));
      print(mappingLines(mappings, opened.headers.filter((h) => !used.has(h.trim().toLowerCase())), `from ${options.mapping ?? ''}`));
    }
    const plan: LoadPlan = {
      objectName: options.object,
      operation: options.operation,
      mappings,
      dates: {
        dateOrder: options.dateOrder ?? mappingFile?.dates.dateOrder ?? 'ymd',
        timeZone: options.timeZone ?? mappingFile?.dates.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      },
    };
    if (options.externalId !== undefined) plan.externalIdField = options.externalId;

    const report = await service.validate(profile.id, opened.fileId, plan);
    if (shell.signal.aborted) throw cancelledBeforeSending();
    print(preflightLines(report));
    if (options.validateOnly === true) {
      if (options.json === true) shell.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (report.invalidRows > 0) shell.setExitCode(EXIT.rowsFailed);
      return;
    }
    if (report.invalidRows > 0 && options.excludeInvalid !== true) {
      if (options.json === true) shell.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      shell.note(`Nothing was sent: ${report.invalidRows} rows are invalid. Fix them and run again, or pass --exclude-invalid to load the valid rows and write the invalid ones to their own file.`);
      shell.setExitCode(EXIT.rowsFailed);
      return;
    }
    const loadOptions: LoadRunOptions = { excludeInvalid: true };
    if (options.outDir !== undefined) loadOptions.outputDir = resolveUserPath(options.outDir, homedir(), shell.io.cwd);
    if (options.concurrency !== undefined) loadOptions.concurrency = options.concurrency;
    if (options.maxJobBytes !== undefined) loadOptions.maxJobBytes = options.maxJobBytes;
    const capacity = await service.capacity(profile.id, opened.fileId, plan, loadOptions);
    print([
      `Needs ${capacity.jobs === 1 ? '1 job' : `${capacity.jobs} jobs`} and about ${capacity.apiCallsNeeded} API calls` +
        `${capacity.apiCallsRemaining === null ? '' : ` (${capacity.apiCallsRemaining.toLocaleString('en-US')} left today)`}.`,
    ]);
    if (shell.signal.aborted) throw cancelledBeforeSending();
    const { loadId } = await service.start(profile.id, opened.fileId, plan, loadOptions);
    shell.note(`Load ${loadId} started. If it stops, resume it with: orgdesk load --resume ${loadId}`);
    await follow(shell, loads, loadId, `Loading ${options.object}`, options);
  } finally {
    await service.close(opened.fileId);
  }
}

async function resumeLoad(shell: CliShell, loadId: string, file: string | undefined, options: LoadCommandOptions): Promise<void> {
  const planOptions = (['object', 'operation', 'externalId', 'mapping', 'validateOnly', 'excludeInvalid', 'dateOrder', 'timeZone', 'encoding', 'outDir', 'concurrency', 'maxJobBytes'] as const).filter(
    (key) => options[key] !== undefined,
  );
  if (planOptions.length > 0) {
    const flags = planOptions.map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new ServiceError('VALIDATION', `--resume takes the file, plan and options from the journal, so ${flags.join(', ')} cannot be given with it.`, `Run orgdesk load --resume ${loadId} alone.`);
  }
  const services = await shell.services();
  if (createLoadJournal(services.database.db).get(loadId) === null) {
    throw new ServiceError('NOT_FOUND', `There is no load ${loadId}.`, 'Run orgdesk load --list to see the loads and their ids.');
  }
  const loads = services.loads();
  const load = loads.service.get(loadId);
  if (file !== undefined && resolveUserPath(file, homedir(), shell.io.cwd) !== load.sourcePath) {
    throw new ServiceError('VALIDATION', `Load ${loadId} reads ${load.sourcePath}, not ${file}.`, `Run orgdesk load --resume ${loadId} without a file.`);
  }
  const profile = services.orgs.list().find((p) => p.id === load.orgId);
  if (profile === undefined) {
    throw new ServiceError('NOT_FOUND', `Load ${loadId} was made in an org profile that no longer exists.`, 'Add the org again with orgdesk orgs add, then start a new load.');
  }
  const requested = shell.globals().org;
  if (requested !== undefined && shell.chooseOrg(services.orgs, requested).id !== profile.id) {
    throw new ServiceError('VALIDATION', `Load ${loadId} belongs to the org ${profile.label}, not ${requested}.`, 'Leave out --org: a resumed load goes to the org it started in.');
  }
  await connect(shell, services, profile);
  const print = reporter(shell, options);
  print([
    `Resuming load ${loadId}: ${load.sourcePath} · ${load.operation} into ${load.objectName} in ${profile.label}`,
    `  ${load.jobs.length} ${load.jobs.length === 1 ? 'job' : 'jobs'} in the journal, ${load.counts.processed.toLocaleString('en-US')} of ${load.counts.input.toLocaleString('en-US')} rows processed so far`,
  ]);
  await loads.service.resume(loadId);
  await follow(shell, loads, loadId, `Loading ${load.objectName}`, options);
}

/**
 * Lists the latest loads straight from the journal, read-only (building the load service would mark a load the app is
 * running as interrupted).
 */
async function listLoads(shell: CliShell, options: LoadCommandOptions): Promise<void> {
  const services = await shell.services();
  const loads = createLoadJournal(services.database.db).list(20);
  if (options.json === true) {
    const listed = loads.map((load) => ({
      loadId: load.id,
      state: load.state,
      objectName: load.plan.objectName,
      operation: load.plan.operation,
      sourcePath: load.source.path,
      rows: load.source.rowCount,
      counts: load.counts,
      files: load.files,
      startedAt: load.startedAt,
      endedAt: load.endedAt,
    }));
    shell.io.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
    return;
  }
  if (loads.length === 0) {
    shell.io.stdout.write('No loads yet.\n');
    return;
  }
  for (const load of loads) {
    const counts = load.counts === null ? `${load.source.rowCount} rows` : `${load.counts.success}/${load.counts.input} loaded, ${load.counts.failed} failed, ${load.counts.unprocessed} unprocessed, ${load.counts.excluded} excluded`;
    shell.io.stdout.write(`${load.id}  ${load.state.padEnd(11)}  ${load.startedAt}  ${load.plan.operation} ${load.plan.objectName}  ${load.source.path}  (${counts})\n`);
  }
  if (loads.some((load) => load.state === 'interrupted' || load.state === 'running')) {
    shell.note('An interrupted load (or one left running by a process that has ended) resumes with orgdesk load --resume ID.');
  }
}

/**
 * Shows the load's progress until it ends, cancels it on Ctrl+C, prints where every row went and ends the run with the
 * right exit code: 0 when every row was loaded, 10 when some were not, the error's code when the load failed or stopped.
 */
async function follow(shell: CliShell, loads: CliLoads, loadId: string, label: string, options: LoadCommandOptions): Promise<void> {
  const { service } = loads;
  const view = createLoadProgressView({ stream: shell.io.stderr, label, quiet: shell.globals().quiet === true });
  const stopListening = loads.onProgress((progress) => {
    if (progress.loadId === loadId) view.update(progress);
  });
  let cancelling: Promise<LoadSummary | null> | null = null;
  const onAbort = (): void => {
    cancelling ??= service.cancel(loadId).catch(() => null);
  };
  shell.signal.addEventListener('abort', onAbort, { once: true });
  if (shell.signal.aborted) onAbort();
  let summary: LoadSummary;
  try {
    summary = await service.settled(loadId);
    const cancelled = await (cancelling as Promise<LoadSummary | null> | null);
    if (cancelled !== null && cancelled !== undefined) summary = cancelled;
  } finally {
    shell.signal.removeEventListener('abort', onAbort);
    stopListening();
    view.stop();
  }
  const print = reporter(shell, options);
  const printOutcome = (): void => {
    print(outcomeLines(summary));
    if (options.json === true) shell.io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  };
  switch (summary.state) {
    case 'done':
      printOutcome();
      if (!everyRowLoaded(summary)) shell.setExitCode(EXIT.rowsFailed);
      return;
    case 'cancelled':
      printOutcome();
      throw new ServiceError(
        'CANCELLED',
        `The load was cancelled: ${summary.counts.success} rows were already committed in the org (the success file), ${summary.counts.unprocessed} were not loaded (the unprocessed file).`,
      );
    case 'failed': {
      printOutcome();
      const error = summary.error ?? { code: 'INTERNAL' as const, message: 'The load failed.' };
      throw new ServiceError(error.code, error.message, error.hint);
    }
    case 'interrupted': {
      const error = summary.error ?? { code: 'INTERNAL' as const, message: 'The load stopped.' };
      throw new ServiceError(error.code, `The load stopped: ${error.message}`, `${error.hint === undefined ? '' : `${error.hint} `}Every job is in the journal: resume it with orgdesk load --resume ${loadId}`);
    }
    case 'preparing':
    case 'running':
      throw new ServiceError('INTERNAL', `The load is still ${summary.state} although it settled.`, `Resume it with orgdesk load --resume ${loadId} once it stops.`);
    default:
      assertNever(summary.state);
  }
}
