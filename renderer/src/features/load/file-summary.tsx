import type { ReactNode } from 'react';
import type { LoadFileInfo } from '../../../../shared/ipc/contract';
import { delimiterName, formatBytes, formatCount } from './load-text';

/** What main learnt reading the file: encoding, delimiter, line endings, size, row count, and its first rows. */
export function FileSummary({ file }: { file: LoadFileInfo }): ReactNode {
  const facts: [string, string][] = [
    ['Rows', formatCount(file.rowCount)],
    ['Columns', formatCount(file.headers.length)],
    ['Size', formatBytes(file.sizeBytes)],
    ['Encoding', `${file.encoding.toUpperCase()}${file.bom ? ' with BOM' : ''}`],
    ['Delimiter', delimiterName(file.delimiter)],
    ['Line endings', file.lineEnding],
  ];
  return (
    <div className="orgdesk-load-file">
      <dl className="orgdesk-load-file__facts" aria-label={`About ${file.name}`}>
        {facts.map(([label, value]) => (
          <div key={label} className="orgdesk-load-file__fact">
            <dt className="slds-text-color_weak">{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="orgdesk-load-preview" tabIndex={0} role="region" aria-label={`First ${Math.min(file.preview.length, 50)} rows of ${file.name}`}>
        <table className="slds-table slds-table_bordered slds-table_cell-buffer slds-table_striped slds-table_col-bordered orgdesk-load-table">
          <thead>
            <tr className="slds-line-height_reset">
              <th scope="col" className="orgdesk-load-table__row-number">
                Row
              </th>
              {file.headers.map((header) => (
                <th key={header} scope="col" title={header}>
                  {header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {file.preview.map((row, index) => (
              <tr key={index}>
                <td className="orgdesk-load-table__row-number slds-text-color_weak">{index + 1}</td>
                {file.headers.map((header, column) => (
                  <td key={header} title={row[column] ?? ''}>
                    {row[column] ?? ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {file.rowCount > file.preview.length ? (
        <p className="slds-text-body_small slds-text-color_weak slds-m-top_xx-small">
          Showing the first {formatCount(file.preview.length)} of {formatCount(file.rowCount)} rows.
        </p>
      ) : null}
    </div>
  );
}
