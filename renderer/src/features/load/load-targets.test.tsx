import { render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { LoadField, LoadObject, ObjectSummary, PreflightReport } from '../../../../shared/ipc/contract';
import { LOAD_OPERATIONS } from '../../../../shared/ipc/domains/load';
import { objectAllows, upsertKeys } from './load-targets';
import { PlanEditor } from './plan-editor';
import { PreflightReportView } from './preflight-report';
import type { LoadPlanActions, LoadPlanState } from './use-load-plan';

const summary = (name: string, flags: Pick<ObjectSummary, 'createable' | 'updateable' | 'deletable'>): ObjectSummary => ({
  name,
  label: name,
  keyPrefix: null,
  custom: false,
  queryable: true,
  ...flags,
});

// As the local org's global describe has them: Organization is queryable and read-only.
const objects = [
  summary('Account', { createable: true, updateable: true, deletable: true }),
  summary('Organization', { createable: false, updateable: false, deletable: false }),
  summary('Insert_Only__c', { createable: true, updateable: false, deletable: false }),
];

const field = (name: string, extra: Partial<LoadField> = {}): LoadField => ({
  name,
  label: name,
  type: 'string',
  length: 80,
  precision: 0,
  scale: 0,
  createable: true,
  updateable: true,
  nillable: true,
  defaultedOnCreate: false,
  requiredOnCreate: false,
  externalId: false,
  idLookup: false,
  unique: false,
  referenceTo: [],
  relationshipName: null,
  restrictedPicklist: false,
  picklistValues: [],
  ...extra,
});

const contact: LoadObject = {
  name: 'Contact',
  label: 'Contact',
  keyPrefix: '003',
  fields: [
    field('LastName'),
    field('Email', { type: 'email', idLookup: true }),
    field('External_Id__c', { externalId: true, idLookup: true, unique: true }),
    field('Id', { type: 'id', createable: false, updateable: false, idLookup: true }),
  ],
};

function planState(extra: Partial<LoadPlanState>): LoadPlanState & LoadPlanActions {
  const noop = vi.fn();
  return {
    objects,
    objectName: '',
    operation: 'insert',
    externalIdField: '',
    object: null,
    mappings: [],
    origin: 'suggested',
    dates: { dateOrder: 'ymd', timeZone: 'UTC' },
    busy: false,
    error: null,
    setObjectName: noop,
    setOperation: noop,
    setExternalIdField: noop,
    mapColumn: noop,
    addConstant: noop,
    setConstant: noop,
    removeConstant: noop,
    setDates: noop,
    adopt: noop,
    ...extra,
  };
}

const offered = (): string[] => within(screen.getByLabelText('Object')).getAllByRole('option').map((option) => option.getAttribute('value') ?? '').filter((value) => value !== '');

describe('the Load area offers only what the operation can write', () => {
  it('never offers a read-only object such as Organization, and an insert-only object only to insert', () => {
    const allowed = Object.fromEntries(LOAD_OPERATIONS.map((operation) => [operation, objects.filter((object) => objectAllows(object, operation)).map((object) => object.name)]));
    expect(allowed).toEqual({
      insert: ['Account', 'Insert_Only__c'],
      update: ['Account'],
      upsert: ['Account'],
      delete: ['Account'],
      hardDelete: ['Account'],
    });
    const { rerender } = render(<PlanEditor plan={planState({ operation: 'insert' })} disabled={false} />);
    expect(offered()).toEqual(['Account', 'Insert_Only__c']);
    rerender(<PlanEditor plan={planState({ operation: 'delete' })} disabled={false} />);
    expect(offered()).toEqual(['Account']);
  });

  it('offers as upsert keys Id, the external id fields and the lookup fields, saying a lookup field may match several records', () => {
    expect(upsertKeys(contact).map((key) => [key.field.name, key.kind])).toEqual([
      ['Id', 'id'],
      ['External_Id__c', 'external-id'],
      ['Email', 'lookup'],
    ]);
    render(<PlanEditor plan={planState({ operation: 'upsert', objectName: 'Contact', object: contact, externalIdField: 'Email' })} disabled={false} />);
    const picker = screen.getByLabelText('Match records by');
    expect(within(picker).getAllByRole('option').map((option) => option.textContent)).toEqual([
      'Choose the upsert key…',
      'Id (Id)',
      'External_Id__c (External_Id__c) · external id',
      'Email (Email) · lookup field, may match several records',
    ]);
    expect(screen.getByText(/Email is a lookup field, not an external id: it need not be unique\. A row whose Email matches several records fails/)).toBeInTheDocument();
  });
});

describe('counts agree in number', () => {
  const report = (rowsChecked: number, invalidRows: number): PreflightReport => ({
    rowsChecked,
    validRows: rowsChecked - invalidRows,
    invalidRows,
    groups: [],
    unmappedColumns: [],
    durationMs: 5,
  });

  it.each([
    [2, 1, '1 of 2 rows has issues; 1 is valid.'],
    [3, 1, '1 of 3 rows has issues; 2 are valid.'],
    [3, 2, '2 of 3 rows have issues; 1 is valid.'],
    [1, 0, 'The 1 row passed the pre-flight check.'],
    [2, 0, 'All 2 rows passed the pre-flight check.'],
  ])('of %i rows with %i invalid: "%s"', (rowsChecked, invalidRows, text) => {
    render(<PreflightReportView report={report(rowsChecked, invalidRows)} />);
    expect(screen.getByRole('status')).toHaveTextContent(text);
  });
});
