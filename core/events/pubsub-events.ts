/**
 * Pub/Sub events as the engine keeps them (docs/pubsub.md 3 and 7): the Avro payload decoded with the schema `GetSchema`
 * gives for its id (cached by id), and the change event header's `changedFields`, `nulledFields` and `diffFields` bitmaps
 * turned back into field names — a top-level `0x…` bit *i* is the schema's field *i*, `<p>-0x…` bit *i* the *i*-th field
 * of the compound field at *p* (`Name.LastName`). The result has the shape of a CometD message's `data`
 * (`schema`, `payload`, `event.replayId`), so capture, detail and export read both APIs alike.
 */
import avro from 'avsc';

/** Looks a schema's JSON up by id (GetSchema). */
export type SchemaLookup = (schemaId: string) => Promise<string>;

/** Decodes events of any schema, fetching each schema once. */
export type PubSubDecoder = {
  /** The CometD-shaped `data` of one event. */
  decode(event: { id: string; schemaId: string; payload: Buffer; replayId: number }): Promise<Record<string, unknown>>;
};

/** The names of the fields a bitmap list stands for, in schema order (unknown positions are skipped). */
export function fieldNamesOfBitmaps(schema: avro.Type, bitmaps: readonly string[]): string[] {
  const fields = recordFields(schema);
  const names: string[] = [];
  for (const bitmap of bitmaps) {
    const nested = /^(\d+)-(0x[0-9a-f]+)$/i.exec(bitmap);
    if (nested !== null) {
      const parent = fields[Number(nested[1])];
      const parts = parent === undefined ? [] : recordFields(parent.type);
      for (const bit of setBits(nested[2] ?? '0x0')) {
        const part = parts[bit];
        if (parent !== undefined && part !== undefined) names.push(`${parent.name}.${part.name}`);
      }
      continue;
    }
    if (!/^0x[0-9a-f]+$/i.test(bitmap)) continue;
    for (const bit of setBits(bitmap)) {
      const field = fields[bit];
      if (field !== undefined) names.push(field.name);
    }
  }
  return names;
}

/** The positions of the set bits of a `0x…` hex number, lowest first. */
function setBits(hex: string): number[] {
  let value = BigInt(hex);
  const bits: number[] = [];
  for (let i = 0; value > 0n; i += 1, value >>= 1n) if ((value & 1n) === 1n) bits.push(i);
  return bits;
}

/** A record type's fields, looking through a `["null", record]` union. */
function recordFields(type: avro.Type): { name: string; type: avro.Type }[] {
  if (type instanceof avro.types.RecordType) return type.fields;
  if (type instanceof avro.types.UnwrappedUnionType || type instanceof avro.types.WrappedUnionType) {
    const record = type.types.find((t: avro.Type) => t instanceof avro.types.RecordType);
    return record instanceof avro.types.RecordType ? record.fields : [];
  }
  return [];
}

/** Creates a decoder over a schema lookup; schemas stay cached for the decoder's life (ids are fingerprints). */
export function createPubSubDecoder(lookup: SchemaLookup): PubSubDecoder {
  const types = new Map<string, Promise<avro.Type>>();
  const typeOf = (schemaId: string): Promise<avro.Type> => {
    let type = types.get(schemaId);
    if (type === undefined) {
      type = lookup(schemaId).then((json) => avro.Type.forSchema(JSON.parse(json) as avro.Schema));
      type.catch(() => types.delete(schemaId));
      types.set(schemaId, type);
    }
    return type;
  };
  return {
    async decode(event) {
      const type = await typeOf(event.schemaId);
      const payload = type.fromBuffer(event.payload) as Record<string, unknown>;
      const header = payload.ChangeEventHeader as Record<string, unknown> | undefined;
      if (header !== undefined && header !== null) {
        const names = (key: string): string[] => fieldNamesOfBitmaps(type, Array.isArray(header[key]) ? (header[key] as string[]) : []);
        payload.ChangeEventHeader = { ...header, changedFields: names('changedFields'), nulledFields: names('nulledFields'), diffFields: names('diffFields') };
      } else if (typeof payload.CreatedDate === 'number') {
        // A platform event's CreatedDate is epoch milliseconds in Avro; CometD sends it as an ISO date-time.
        payload.CreatedDate = new Date(payload.CreatedDate).toISOString();
      }
      const eventInfo: Record<string, unknown> = { replayId: event.replayId };
      if (header === undefined || header === null) eventInfo.EventUuid = event.id;
      return { schema: event.schemaId, payload: plain(payload) as Record<string, unknown>, event: eventInfo };
    },
  };
}

/** Avro's decoded values as JSON: record instances to plain objects, Buffers to base64. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = plain(v);
  return out;
}
