import { Option } from 'commander';
import type { CliCommand } from '../cli-shell';
import { OUTPUT_FORMATS } from '../query/output-format';
import type { QueryOptions } from '../query/query-options';


/** `orgdesk query "<SOQL>"`: runs a query like the app's workbench and streams the rows to stdout or a file. */
export const queryCommand: CliCommand = {
  name: 'query',
  register(program, shell) {
    program
      .command('query')
      .description('run a SOQL query and stream its rows to stdout or a file (progress on stderr)')
      .argument('<soql>', 'the SOQL statement, quoted')
      .option('--all', 'include deleted and archived rows (queryAll)')
      .option('--bulk', 'run it as a Bulk API 2.0 query job (default: REST pages, Bulk past 50,000 rows as in the app)')
      .addOption(new Option('--format <format>', 'how rows are written').choices(OUTPUT_FORMATS).default('csv'))
      .option('--out <file>', 'write the rows to this file instead of stdout')
      .option('--csv-formula-safe', "CSV: put a ' before cells starting with = + - @, a tab or a carriage return, so Excel shows them as text instead of running them (plain numbers such as -5 stay as they are)")
      .option('--json', 'end with one JSON document on stdout: { state, rows, source, durationMs, records (without --out), error?, exitCode }')
      .addHelpText('after', '\nExample:\n  orgdesk query "SELECT Id, Name FROM Account" --org "Acme prod" --out accounts.csv')
      .action(async (soql: string, options: QueryOptions) => {
        const { runQuery } = await import('../query/query-run');
        await runQuery(shell, soql, options);
      });
  },
};
