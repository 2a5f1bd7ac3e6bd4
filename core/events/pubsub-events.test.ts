import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { createPubSubDecoder, fieldNamesOfBitmaps } from './pubsub-events';

const nullable = (name: string, type: unknown) => ({ name, type: ['null', type], default: null });
const header = {
  type: 'record',
  name: 'ChangeEventHeader',
  fields: ['nulledFields', 'diffFields', 'changedFields'].map((name) => ({ name, type: { type: 'array', items: 'string' } })),
};
const name = { type: 'record', name: 'Switchable_PersonName', fields: ['Salutation', 'FirstName', 'LastName'].map((f) => nullable(f, 'string')) };
const address = { type: 'record', name: 'Address', fields: ['Street', 'City', 'PostalCode'].map((f) => nullable(f, 'string')) };
/** Positions: 0 header, 1 Name, 2 Phone, 3 Title, 4 MailingAddress, 5 OtherAddress (the named Address again), 6..9 texts. */
const schema = {
  type: 'record',
  name: 'ContactChangeEvent',
  namespace: 'com.sforce.eventbus',
  fields: [
    { name: 'ChangeEventHeader', type: header },
    nullable('Name', name),
    nullable('Phone', 'string'),
    nullable('Title', 'string'),
    nullable('MailingAddress', address),
    nullable('OtherAddress', 'Address'),
    ...['Description', 'Email', 'Fax', 'Department'].map((f) => nullable(f, 'string')),
  ],
};
const type = avro.Type.forSchema(schema as avro.Schema);

describe('change event bitmaps decoded to field names', () => {
  it('reads a top-level bitmap bit by bit in schema order', () => {
    expect(fieldNamesOfBitmaps(type, ['0x0C'])).toEqual(['Phone', 'Title']);
    // Bit 9 needs a second byte: 0x0200 | bit 2.
    expect(fieldNamesOfBitmaps(type, ['0x0204'])).toEqual(['Phone', 'Department']);
    expect(fieldNamesOfBitmaps(type, [])).toEqual([]);
  });

  it('reads nested bitmaps of compound fields, also through a named type used a second time', () => {
    expect(fieldNamesOfBitmaps(type, ['0x04', '1-0x06', '5-0x02'])).toEqual(['Phone', 'Name.FirstName', 'Name.LastName', 'OtherAddress.City']);
  });

  it('skips positions the schema does not have and strings that are no bitmap', () => {
    expect(fieldNamesOfBitmaps(type, ['0x0800', '2-0x01', 'Phone', '40-0x01'])).toEqual([]);
  });

  it('decodes a payload with changed, nulled and diff fields as names, in the CometD message shape', async () => {
    const payload = type.toBuffer({
      ChangeEventHeader: { nulledFields: ['4-0x02'], diffFields: ['0x40'], changedFields: ['0x48', '4-0x02'] },
      Name: null,
      Phone: null,
      Title: 'Boss',
      MailingAddress: { Street: null, City: null, PostalCode: null },
      OtherAddress: null,
      Description: '@@ -1 +1 @@',
      Email: null,
      Fax: null,
      Department: null,
    });
    const lookups: string[] = [];
    const decoder = createPubSubDecoder((id) => {
      lookups.push(id);
      return Promise.resolve(JSON.stringify(schema));
    });
    const data = await decoder.decode({ id: 'e1', schemaId: 'S1', payload, replayId: 42 });
    await decoder.decode({ id: 'e2', schemaId: 'S1', payload, replayId: 43 });
    expect(lookups).toEqual(['S1']);
    expect(data).toMatchObject({
      schema: 'S1',
      event: { replayId: 42 },
      payload: { Title: 'Boss', ChangeEventHeader: { changedFields: ['Title', 'Description', 'MailingAddress.City'], nulledFields: ['MailingAddress.City'], diffFields: ['Description'] } },
    });
  });
});
