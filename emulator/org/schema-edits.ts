/**
 * Run-time edits of an object's describe, as an admin changing the org's setup between two runs of a client would (a field
 * made read-only by field-level security, a field deleted): `POST /__emulator/schema/<Object>` applies one, and
 * `DELETE /__emulator/schema` or a reset of the org puts every edited object back as the schema defines it.
 */
import type { OrgStore } from './store';
import type { FieldSchema, ObjectSchema } from './types';

/** One edit of one field: what it may be written by (create, update), or removed from the object altogether. */
export type FieldEdit = { field: string; createable?: boolean; updateable?: boolean; remove?: boolean };

/** The org's describe edits. */
export type SchemaEdits = {
  /** Applies an edit to an object's field and answers the object's schema after it; throws for an unknown object or field. */
  edit(objectName: string, edit: FieldEdit): ObjectSchema;
  /** Puts every edited object back as it was before its first edit. */
  undo(): void;
  /** The objects edited since the last undo. */
  edited(): string[];
};

/** Reads an edit from an admin request body; throws with the expected shape when it is not one. */
export function parseFieldEdit(body: Record<string, unknown>): FieldEdit {
  const { field } = body;
  const flags = ['createable', 'updateable', 'remove'] as const;
  if (typeof field !== 'string' || field === '' || flags.some((name) => body[name] !== undefined && typeof body[name] !== 'boolean')) {
    throw new Error('A schema edit needs "field" (a field name) and any of "createable", "updateable" or "remove" (booleans).');
  }
  const edit: FieldEdit = { field };
  for (const name of flags) if (typeof body[name] === 'boolean') edit[name] = body[name];
  return edit;
}

/** Edits `store`'s schemas in place of the admin; every edit builds a new schema object, so caches keyed by it start over. */
export function createSchemaEdits(store: OrgStore): SchemaEdits {
  const originals = new Map<string, ObjectSchema>();
  return {
    edit(objectName, edit) {
      const schema = store.objectSchema(objectName);
      if (schema === undefined) throw new Error(`The org has no object ${objectName}: use a name from GET /services/data/vXX.X/sobjects.`);
      const target = schema.fields.find((f) => f.name.toLowerCase() === edit.field.toLowerCase());
      if (target === undefined) throw new Error(`${schema.name} has no field ${edit.field}: use a name from its describe.`);
      if (target.name === 'Id') throw new Error('The Id field cannot be edited.');
      if (!originals.has(schema.name)) originals.set(schema.name, schema);
      const changed = (f: FieldSchema): FieldSchema => ({
        ...f,
        ...(edit.createable === undefined ? {} : { createable: edit.createable }),
        ...(edit.updateable === undefined ? {} : { updateable: edit.updateable }),
      });
      const fields = edit.remove === true ? schema.fields.filter((f) => f !== target) : schema.fields.map((f) => (f === target ? changed(f) : f));
      const next: ObjectSchema = { ...schema, fields };
      store.replaceSchema(next);
      return next;
    },
    undo() {
      for (const schema of originals.values()) store.replaceSchema(schema);
      originals.clear();
    },
    edited: () => [...originals.keys()],
  };
}
