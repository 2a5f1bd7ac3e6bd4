/**
 * The target object of a load as mapping and pre-flight need it, read from a REST `sobjects/X/describe` body
 * (salesforce-api.md §3.2): each field's type, length, access, requiredness, external-id flags, lookups and picklist.
 */
import { z } from 'zod';
import type { LoadField, LoadObject } from '../../shared/ipc/domains/load';
import { ServiceError } from '../errors';

const picklistValue = z.object({ value: z.string(), active: z.boolean().default(true) }).loose();

const field = z
  .object({
    name: z.string().min(1),
    label: z.string().default(''),
    type: z.string().min(1),
    length: z.number().default(0),
    precision: z.number().default(0),
    scale: z.number().default(0),
    createable: z.boolean().default(false),
    updateable: z.boolean().default(false),
    nillable: z.boolean().default(true),
    defaultedOnCreate: z.boolean().default(false),
    externalId: z.boolean().default(false),
    idLookup: z.boolean().default(false),
    unique: z.boolean().default(false),
    referenceTo: z.array(z.string()).nullable().default([]),
    relationshipName: z.string().nullable().default(null),
    restrictedPicklist: z.boolean().default(false),
    picklistValues: z.array(picklistValue).nullable().default([]),
    cascadeDelete: z.boolean().default(false),
  })
  .loose();

const describe = z
  .object({
    name: z.string().min(1),
    label: z.string().default(''),
    keyPrefix: z.string().nullable().default(null),
    fields: z.array(field),
  })
  .loose();

/**
 * Reads a describe body into a LoadObject. A field is required on create when it is createable, not nillable, not
 * defaulted on create and not a boolean (a boolean left out is false). Only active picklist values are kept.
 */
export function toLoadObject(body: unknown): LoadObject {
  const parsed = describe.safeParse(body);
  if (!parsed.success) {
    throw new ServiceError(
      'SF_API',
      'The org answered the object describe with a body OrgDesk cannot read.',
      'Try again; if it keeps happening, the org may be behind a proxy that rewrites its answers.',
      { cause: parsed.error },
    );
  }
  const { name, label, keyPrefix, fields } = parsed.data;
  return {
    name,
    label: label === '' ? name : label,
    keyPrefix,
    fields: fields.map(
      (f): LoadField => ({
        name: f.name,
        label: f.label === '' ? f.name : f.label,
        type: f.type,
        length: f.length,
        precision: f.precision,
        scale: f.scale,
        createable: f.createable,
        updateable: f.updateable,
        nillable: f.nillable,
        defaultedOnCreate: f.defaultedOnCreate,
        requiredOnCreate: f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean',
        externalId: f.externalId,
        idLookup: f.idLookup,
        unique: f.unique,
        referenceTo: f.referenceTo ?? [],
        relationshipName: f.relationshipName,
        restrictedPicklist: f.restrictedPicklist,
        picklistValues: (f.picklistValues ?? []).filter((p) => p.active).map((p) => p.value),
        ...(f.cascadeDelete ? { cascadeDelete: true } : {}),
      }),
    ),
  };
}

/** Finds a field by API name, ignoring case as the API does. */
export function findLoadField(object: LoadObject, name: string): LoadField | undefined {
  const lower = name.toLowerCase();
  return object.fields.find((f) => f.name.toLowerCase() === lower);
}
