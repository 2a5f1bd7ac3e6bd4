import { InvalidArgumentError, Option } from 'commander';
import type { CsvEncoding } from '../../shared/ipc/domains/load';
import { LOAD_OPERATIONS } from '../../shared/salesforce/load-operation';
import type { CliCommand } from '../cli-shell';
import type { LoadCommandOptions } from '../load/load-options';


const ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1'] as const satisfies readonly CsvEncoding[];

const integerIn =
  (min: number, max: number) =>
  (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`Give a whole number from ${min} to ${max}.`);
    return value;
  };

/** What `orgdesk load --help` and the README say a mapping file looks like. */
const MAPPING_FILE_HELP = `A --mapping FILE is JSON, in one of two forms:
  { "Last Name": "LastName", "Company": "Account.External_Id__c" }          CSV column -> field (or lookup)
  { "mappings": [ { "source": "column", "column": "Last Name", "field": "LastName" },
                  { "source": "constant", "value": "Web", "field": "LeadSource" } ],
    "dateOrder": "dmy", "timeZone": "Europe/Paris" }                          with constants and dates
Columns the file leaves out are not loaded. --date-order and --time-zone win over the file's.`;

const EXAMPLES = `
Examples:
  orgdesk load contacts.csv --object Contact --operation insert
  orgdesk load accounts.csv --object Account --operation upsert --external-id External_Id__c --exclude-invalid
  orgdesk load leads.csv --object Lead --operation insert --mapping leads.mapping.json --validate-only
  orgdesk load --list                       # the latest loads and their ids
  orgdesk load --resume 3f2c9a1e-...        # an interrupted load, from the journal (the app's database)
  orgdesk load --undo 3f2c9a1e-... --conflicts skip   # take a load back (records changed since are left as they are)

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
      .option('--undo <load-id>', 'undo an ended load (again on an interrupted undo: it continues)')
      .addOption(new Option('--conflicts <decision>', 'with --undo: records changed since the load are left (skip) or overwritten').choices(['skip', 'overwrite']))
      .option('--no-before-image', 'do not keep the records\' values before the load (it then cannot be undone)')
      .addOption(new Option('--date-order <order>', 'day order of dates written with / . or - (ISO 8601 is always read)').choices(['ymd', 'mdy', 'dmy']))
      .option('--time-zone <zone>', 'IANA time zone of date-times without an offset (default: this computer\'s)')
      .addOption(new Option('--encoding <encoding>', 'read the file in this encoding (UTF-8 is detected)').choices(ENCODINGS))
      .option('--out-dir <dir>', 'where the result files go (default: beside the file)')
      .option('--concurrency <jobs>', 'Bulk jobs running at once (default 2)', integerIn(1, 10))
      .option('--no-group-by-parent', 'split the file into jobs in file order, not by the parent record each row locks (rows that fail with UNABLE_TO_LOCK_ROW are still retried)')
      .option('--max-job-bytes <bytes>', 'the largest CSV one job uploads (default and maximum 100,000,000)', integerIn(1024, 100_000_000))
      .option('--list', 'list the 20 latest loads (ids, states, counts) from the journal, and stop')
      .option('--json', 'print the pre-flight report (with --validate-only), the load summary or the list as JSON on stdout')
      .addHelpText('after', EXAMPLES)
      .action(async (file: string | undefined, options: LoadCommandOptions) => {
        // The engine is loaded only when a load runs, so `orgdesk --help` and `--version` start at once.
        const { listLoads, resumeLoad, runLoad } = await import('../load/load-run');
        if (options.list === true) return listLoads(shell, options);
        if (options.undo !== undefined) return (await import('../load/load-undo')).undoLoad(shell, options.undo, options);
        return options.resume === undefined ? runLoad(shell, file, options) : resumeLoad(shell, options.resume, file, options);
      });
  },
};

