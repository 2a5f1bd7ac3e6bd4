import type { ReactNode } from 'react';
import type { ExplainPlan } from '../../../../shared/ipc/contract';

/** The query plans Salesforce considered (`?explain=`), cheapest first, as a small table. */
export function ExplainTable({ plans, onClose }: { plans: ExplainPlan[]; onClose: () => void }): ReactNode {
  return (
    <div className="orgdesk-explain">
      <div className="orgdesk-explain__title">
        <span className="slds-text-title_caps">Query plan</span>
        <button type="button" className="slds-button" onClick={onClose}>
          Close
        </button>
      </div>
      <table className="slds-table slds-table_bordered slds-table_cell-buffer slds-table_col-bordered" aria-label="Query plan">
        <thead>
          <tr>
            <th scope="col">Leading operation</th>
            <th scope="col">Relative cost</th>
            <th scope="col">Cardinality</th>
            <th scope="col">Object rows</th>
            <th scope="col">Fields</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {plans.map((plan, i) => (
            <tr key={i}>
              <td>
                {plan.leadingOperationType} <span className="slds-text-color_weak">({plan.sobjectType})</span>
              </td>
              <td>{plan.relativeCost.toFixed(2)}</td>
              <td>{plan.cardinality.toLocaleString()}</td>
              <td>{plan.sobjectCardinality.toLocaleString()}</td>
              <td>{plan.fields.join(', ') || '—'}</td>
              <td>{plan.notes.join(' · ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
