/** What `orgdesk load` does once its arguments are parsed: a new load, a resumed one, or the list (loaded on first use). */
import { homedir } from 'node:os';
import { LOAD_OPERATIONS, type FieldMapping, type LoadPlan, type LoadSummary } from '../../shared/ipc/domains/load';
import type { LoadRunOptions } from '../../core/load';
import { assertNever } from '../../shared/ipc/result';
import type { OrgProfile } from '../../shared/salesforce/org-profile';
import { ServiceError } from '../../core/errors';
import { createLoadJournal } from '../../core/load';
import { resolveUserPath } from '../../core/orgs/user-path';
import type { CliLoads, CliServices } from '../cli-services';
import type { CliShell } from '../cli-shell';
import type { LoadCommandOptions } from './load-options';
import { rememberObjectNames } from '../completion/object-names';
import { explainForProfile } from '../demo-org-hint';
import { EXIT } from '../exit-codes';
import { readMappingFile } from './mapping-file';
import { createLoadProgressView } from './load-progress';
import { everyRowLoaded, mappingLines, outcomeLines, preflightLines } from './load-report';

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

/** Logs in (the errors said for this profile), and keeps the org's object names for shell completion when they are old. */
async function connect(shell: CliShell, services: CliServices, profile: OrgProfile): Promise<void> {
  const connection = await services.orgs.connection(profile.id, shell.signal).catch((error: unknown) => {
    throw explainForProfile(profile, error);
  });
  await rememberObjectNames(services.userDataDir, profile.id, connection.rest, { signal: shell.signal });
}

/** A new load of FILE: map, pre-flight, capacity, then the jobs, followed to their end. */
export async function runLoad(shell: CliShell, file: string | undefined, options: LoadCommandOptions): Promise<void> {
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
      shell.json.set({ state: 'validated', preflight: report });
      if (report.invalidRows > 0) shell.setExitCode(EXIT.rowsFailed);
      return;
    }
    if (report.invalidRows > 0 && options.excludeInvalid !== true) {
      const message = `Nothing was sent: ${report.invalidRows} rows are invalid.`;
      const hint = 'Fix them and run again, or pass --exclude-invalid to load the valid rows and write the invalid ones to their own file.';
      shell.json.set({ state: 'refused', preflight: report, error: { code: 'VALIDATION', message, hint } });
      shell.note(`${message} ${hint}`);
      shell.setExitCode(EXIT.rowsFailed);
      return;
    }
    const loadOptions: LoadRunOptions = { excludeInvalid: true };
    if (options.outDir !== undefined) loadOptions.outputDir = resolveUserPath(options.outDir, homedir(), shell.io.cwd);
    if (options.concurrency !== undefined) loadOptions.concurrency = options.concurrency;
    if (options.maxJobBytes !== undefined) loadOptions.maxJobBytes = options.maxJobBytes;
    if (options.groupByParent === false) loadOptions.groupByParent = false;
    if (options.beforeImage === false) loadOptions.beforeImage = false;
    if (options.operation === 'hardDelete') print(['Undoing a hard delete inserts the records again as new records, with new ids: their old ids cannot come back.']);
    if (options.beforeImage === false && options.operation !== 'insert') print(['No before-image is kept: this load cannot be undone.']);
    const capacity = await service.capacity(profile.id, opened.fileId, plan, loadOptions);
    print([
      `Needs ${capacity.jobs === 1 ? '1 job' : `${capacity.jobs} jobs`} and about ${capacity.apiCallsNeeded} API calls` +
        `${capacity.apiCallsRemaining === null ? '' : ` (${capacity.apiCallsRemaining.toLocaleString('en-US')} left today)`}.`,
    ]);
    if (shell.signal.aborted) throw cancelledBeforeSending();
    const { loadId } = await service.start(profile.id, opened.fileId, plan, loadOptions);
    shell.json.set({ state: 'running', loadId });
    shell.note(`Load ${loadId} started. If it stops, resume it with: orgdesk load --resume ${loadId}`);
    await follow(shell, loads, loadId, `Loading ${options.object}`, options);
  } finally {
    await service.close(opened.fileId);
  }
}

/** `--resume ID`: the journaled load, from where it stopped. */
export async function resumeLoad(shell: CliShell, loadId: string, file: string | undefined, options: LoadCommandOptions): Promise<void> {
  const planOptions = (['object', 'operation', 'externalId', 'mapping', 'validateOnly', 'excludeInvalid', 'dateOrder', 'timeZone', 'encoding', 'outDir', 'concurrency', 'maxJobBytes'] as const).filter(
    (key) => options[key] !== undefined,
  );
  if (planOptions.length > 0 || options.groupByParent === false) {
    const flags = [...planOptions, ...(options.groupByParent === false ? ['noGroupByParent'] : [])].map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
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
  shell.json.set({ state: 'running', loadId });
  await follow(shell, loads, loadId, `Loading ${load.objectName}`, options);
}

/**
 * Lists the latest loads straight from the journal, read-only (building the load service would mark a load the app is
 * running as interrupted).
 */
export async function listLoads(shell: CliShell, options: LoadCommandOptions): Promise<void> {
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
    shell.json.set({ state: 'done', loads: listed });
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
  // The summary's own error is the document's `error` (the shell writes the thrown one, which says the same).
  const { error: _summaryError, ...fields } = summary;
  shell.json.set(fields);
  const printOutcome = (): void => {
    print(outcomeLines(summary));
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
