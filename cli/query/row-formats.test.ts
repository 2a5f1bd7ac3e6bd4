import { describe, expect, it } from 'vitest';
import type { OutputFormat } from './output-format';
import { formatRows } from './row-formats';
import type { QueryChunk } from './streamed-query';

const columns: QueryChunk['columns'] = [
  { path: 'Name', kind: 'field' },
  { path: 'Owner.Name', kind: 'field' },
  { path: 'Contacts', kind: 'children' },
];
const chunks: QueryChunk[] = [
  { columns, rows: [['Acme, Inc.', 'Ada', { records: [{ LastName: 'Lovelace' }] }]] },
  { columns, rows: [[' padded ', null, null]] },
];

async function text(format: OutputFormat, input: QueryChunk[] = chunks): Promise<string> {
  async function* source(): AsyncGenerator<QueryChunk> {
    yield* input;
  }
  let out = '';
  for await (const part of formatRows(format)(source())) out += part;
  return out;
}

describe('query output formats', () => {
  it("writes CSV like the app's export: CRLF, quoted commas and edge spaces, child records as JSON", async () => {
    expect(await text('csv')).toBe('Name,Owner.Name,Contacts\r\n"Acme, Inc.",Ada,"[{""LastName"":""Lovelace""}]"\r\n" padded ",,\r\n');
  });

  it("puts a quote before, and quotes, CSV cells that would run as formulas in Excel only when asked; plain numbers stay", async () => {
    const formulas: QueryChunk[] = [{ columns: [{ path: 'Name', kind: 'field' }, { path: 'AnnualRevenue', kind: 'field' }], rows: [['@SUM(1)', -5], ['-5', 3], ['\t=1', null]] }];
    const run = async (csvFormulaSafe: boolean): Promise<string> => {
      let out = '';
      for await (const part of formatRows('csv', { csvFormulaSafe })(
        (async function* () {
          yield* formulas;
        })(),
      ))
        out += part;
      return out;
    };
    expect(await run(false)).toBe('Name,AnnualRevenue\r\n@SUM(1),-5\r\n-5,3\r\n"\t=1",\r\n');
    expect(await run(true)).toBe('Name,AnnualRevenue\r\n"\'@SUM(1)",-5\r\n-5,3\r\n"\'\t=1",\r\n');
  });

  it('writes a JSON array with parent paths nested and children as arrays, and [] for no rows', async () => {
    expect(JSON.parse(await text('json'))).toEqual([
      { Name: 'Acme, Inc.', Owner: { Name: 'Ada' }, Contacts: [{ LastName: 'Lovelace' }] },
      { Name: ' padded ', Owner: { Name: null }, Contacts: null },
    ]);
    expect(await text('json', [{ columns, rows: [] }])).toBe('[]\n');
  });

  it('writes a table sized by the first chunk, with the child count in place of the records', async () => {
    expect((await text('table')).split('\n')).toEqual(['Name        Owner.Name  Contacts', '----------  ----------  --------', 'Acme, Inc.  Ada         [1]', ' padded', '']);
  });
});
