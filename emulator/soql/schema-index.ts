import type { ChildRelationshipSchema, FieldSchema, ObjectSchema, OrgData } from '../org/types';

type ObjectMaps = {
  fields: Map<string, FieldSchema>;
  parents: Map<string, FieldSchema>;
  children: Map<string, ChildRelationshipSchema>;
};

/** Case-insensitive lookups of objects, fields and relationships, built lazily for the objects a query touches. */
export type SchemaIndex = {
  object(name: string): ObjectSchema | undefined;
  field(object: ObjectSchema, name: string): FieldSchema | undefined;
  /** The reference field whose relationshipName is `name` (`Account`, `Owner`, `Account__r`). */
  parentRelationship(object: ObjectSchema, name: string): FieldSchema | undefined;
  /** The child relationship named `name` (`Contacts`, `Invoices__r`). */
  childRelationship(object: ObjectSchema, name: string): ChildRelationshipSchema | undefined;
};

/** Builds a schema index over the org's read port; one per query, so schema changes are always seen. */
export function createSchemaIndex(org: OrgData): SchemaIndex {
  const maps = new Map<ObjectSchema, ObjectMaps>();
  const mapsOf = (object: ObjectSchema): ObjectMaps => {
    let found = maps.get(object);
    if (found === undefined) {
      found = { fields: new Map(), parents: new Map(), children: new Map() };
      for (const field of object.fields) {
        found.fields.set(field.name.toLowerCase(), field);
        if (field.relationshipName !== null && field.referenceTo.length > 0) {
          found.parents.set(field.relationshipName.toLowerCase(), field);
        }
      }
      for (const child of object.childRelationships) {
        if (child.relationshipName !== null) found.children.set(child.relationshipName.toLowerCase(), child);
      }
      maps.set(object, found);
    }
    return found;
  };
  return {
    object: (name) => org.objectSchema(name),
    field: (object, name) => mapsOf(object).fields.get(name.toLowerCase()),
    parentRelationship: (object, name) => mapsOf(object).parents.get(name.toLowerCase()),
    childRelationship: (object, name) => mapsOf(object).children.get(name.toLowerCase()),
  };
}
