import type { ReactNode } from 'react';
import type { JsonValue } from '../../../../shared/ipc/contract';

/** A JSON value drawn as a tree: objects and arrays fold (open to `openDepth`), scalars show typed. */
export function PayloadTree({ value, name = 'data', openDepth = 3 }: { value: JsonValue; name?: string; openDepth?: number }): ReactNode {
  return (
    <div className="orgdesk-tree" role="tree" aria-label="Payload">
      <TreeNode name={name} value={value} depth={0} openDepth={openDepth} />
    </div>
  );
}

function TreeNode({ name, value, depth, openDepth }: { name: string; value: JsonValue; depth: number; openDepth: number }): ReactNode {
  if (value !== null && typeof value === 'object') {
    const entries: [string, JsonValue][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    const summary = Array.isArray(value) ? `[${value.length}]` : `{${entries.length}}`;
    return (
      <details className="orgdesk-tree__node" open={depth < openDepth} role="treeitem" aria-label={name}>
        <summary>
          <span className="orgdesk-tree__key">{name}</span> <span className="orgdesk-tree__meta">{summary}</span>
        </summary>
        <div className="orgdesk-tree__children" role="group">
          {entries.map(([key, child]) => (
            <TreeNode key={key} name={key} value={child} depth={depth + 1} openDepth={openDepth} />
          ))}
        </div>
      </details>
    );
  }
  return (
    <div className="orgdesk-tree__leaf" role="treeitem" aria-label={name}>
      <span className="orgdesk-tree__key">{name}</span>: <ScalarValue value={value} />
    </div>
  );
}

/** A scalar of a payload: strings quoted, null weak and italic, numbers and booleans monospaced. */
export function ScalarValue({ value }: { value: JsonValue }): ReactNode {
  if (value === null) return <span className="orgdesk-tree__null">null</span>;
  if (typeof value === 'string') return <span className="orgdesk-tree__string">&quot;{value}&quot;</span>;
  if (typeof value === 'object') return <span className="orgdesk-tree__string">{JSON.stringify(value)}</span>;
  return <span className="orgdesk-tree__number">{String(value)}</span>;
}
