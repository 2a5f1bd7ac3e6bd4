/** Describe JSON with the key sets real orgs return (global describe, sObject basic info, full describe). */
import type { FieldSchema, ObjectSchema } from './types';

function objectUrls(apiVersion: string, name: string): Record<string, string> {
  const base = `/services/data/v${apiVersion}/sobjects/${name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

/** The per-object entry of `GET /sobjects` (also `objectDescribe` of `GET /sobjects/X`). */
export function describeGlobalEntry(schema: ObjectSchema, apiVersion: string): Record<string, unknown> {
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: schema.createable,
    custom: schema.custom,
    customSetting: false,
    deepCloneable: false,
    deletable: schema.deletable,
    deprecatedAndHidden: false,
    feedEnabled: !schema.custom,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: schema.keyPrefix,
    label: schema.label,
    labelPlural: schema.labelPlural,
    layoutable: true,
    mergeable: ['Account', 'Contact', 'Lead', 'Case'].includes(schema.name),
    mruEnabled: true,
    name: schema.name,
    queryable: schema.queryable,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: schema.deletable,
    updateable: schema.updateable,
    urls: objectUrls(apiVersion, schema.name),
  };
}

/** One `fields[]` entry of a describe, with every key the real payload has, in alphabetical order. */
function describeField(f: FieldSchema): Record<string, unknown> {
  const text = f.length > 0 && f.type !== 'id' && f.type !== 'reference';
  return {
    aggregatable: f.aggregatable,
    autoNumber: f.autoNumber,
    byteLength: text ? f.length * 3 : f.type === 'id' || f.type === 'reference' ? 18 : 0,
    calculated: f.calculated,
    calculatedFormula: null,
    cascadeDelete: f.cascadeDelete,
    caseSensitive: f.caseSensitive,
    compoundFieldName: f.name === 'FirstName' || f.name === 'LastName' ? 'Name' : null,
    controllerName: null,
    createable: f.createable,
    custom: f.custom,
    defaultValue: f.defaultValue,
    defaultValueFormula: null,
    defaultedOnCreate: f.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.digits,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: f.externalId,
    extraTypeInfo: f.type === 'textarea' ? 'plaintextarea' : null,
    filterable: f.filterable,
    filteredLookupInfo: null,
    groupable: f.groupable,
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: f.idLookup,
    inlineHelpText: null,
    label: f.label,
    length: f.type === 'id' || f.type === 'reference' ? 18 : f.length,
    mask: null,
    maskType: null,
    name: f.name,
    nameField: f.nameField,
    namePointing: f.polymorphicForeignKey,
    nillable: f.nillable,
    permissionable: f.custom || (f.nillable && f.createable && !f.nameField),
    picklistValues: f.picklistValues,
    polymorphicForeignKey: f.polymorphicForeignKey,
    precision: f.precision,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: f.referenceTo,
    relationshipName: f.relationshipName,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: f.restrictedPicklist,
    scale: f.scale,
    searchPrefilterable: f.type === 'reference',
    soapType: f.soapType,
    sortable: f.sortable,
    type: f.type,
    unique: f.unique,
    updateable: f.updateable,
    writeRequiresMasterRead: false,
  };
}

/** The full `GET /sobjects/X/describe` body. */
export function describeObject(schema: ObjectSchema, apiVersion: string): Record<string, unknown> {
  const base = `/services/data/v${apiVersion}/sobjects/${schema.name}`;
  // Every key of the global entry is in the full describe too (its `urls` replaced); all keys stand in alphabetical order.
  const full: Record<string, unknown> = {
    ...describeGlobalEntry(schema, apiVersion),
    actionOverrides: [],
    childRelationships: schema.childRelationships.map((r) => ({
      cascadeDelete: r.cascadeDelete,
      childSObject: r.childSObject,
      deprecatedAndHidden: false,
      field: r.field,
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: r.relationshipName,
      restrictedDelete: r.restrictedDelete,
    })),
    compactLayoutable: true,
    defaultImplementation: null,
    extendedBy: null,
    extendsInterfaces: null,
    fields: schema.fields.map(describeField),
    implementedBy: null,
    implementsInterfaces: null,
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [
      {
        active: true,
        available: true,
        defaultRecordTypeMapping: true,
        developerName: 'Master',
        master: true,
        name: 'Master',
        recordTypeId: '012000000000000AAA',
        urls: { layout: `${base}/describe/layouts/012000000000000AAA` },
      },
    ],
    searchLayoutable: true,
    sobjectDescribeOption: 'FULL',
    supportedScopes: [
      { label: 'All records', name: 'everything' },
      { label: 'My records', name: 'mine' },
    ],
    urls: {
      compactLayouts: `${base}/describe/compactLayouts`,
      rowTemplate: `${base}/{ID}`,
      approvalLayouts: `${base}/describe/approvalLayouts`,
      uiDetailTemplate: 'https://orgdesk.example/{ID}',
      uiEditTemplate: 'https://orgdesk.example/{ID}/e',
      defaultValues: `${base}/defaultValues?recordTypeId&fields`,
      listviews: `${base}/listviews`,
      describe: `${base}/describe`,
      uiNewRecord: `https://orgdesk.example/${schema.keyPrefix}/e`,
      quickActions: `${base}/quickActions`,
      layouts: `${base}/describe/layouts`,
      sobject: base,
    },
  };
  return Object.fromEntries(Object.keys(full).sort().map((key) => [key, full[key]]));
}
