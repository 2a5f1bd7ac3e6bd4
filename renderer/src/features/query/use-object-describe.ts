import { useEffect, useState } from 'react';
import type { ObjectInfo, ObjectSummary } from '../../../../shared/ipc/contract';
import type { SchemaCatalog } from './language/soql-schema';

/** An object's describe as the explorer shows it: none asked, on its way, there, or not an object of this org. */
export type ObjectDescribeState =
  | { status: 'none' }
  | { status: 'loading'; name: string }
  | { status: 'ready'; object: ObjectInfo }
  | { status: 'unknown'; name: string };

/** The describe of `objectName` from the org's catalog (the renderer's describe cache: asked once per object). */
export function useObjectDescribe(catalog: SchemaCatalog | null, objectName: string | null): ObjectDescribeState {
  const [state, setState] = useState<ObjectDescribeState>({ status: 'none' });
  useEffect(() => {
    if (catalog === null || objectName === null) {
      setState({ status: 'none' });
      return undefined;
    }
    let live = true;
    setState((previous) => (previous.status === 'ready' && previous.object.name.toLowerCase() === objectName.toLowerCase() ? previous : { status: 'loading', name: objectName }));
    void catalog.describe(objectName).then((object) => {
      if (live) setState(object === null ? { status: 'unknown', name: objectName } : { status: 'ready', object });
    });
    return () => {
      live = false;
    };
  }, [catalog, objectName]);
  return state;
}

/** The org's queryable objects (global describe), once `enabled`; null until they are there. */
export function useQueryableObjects(catalog: SchemaCatalog | null, enabled: boolean): ObjectSummary[] | null {
  const [objects, setObjects] = useState<ObjectSummary[] | null>(null);
  useEffect(() => {
    setObjects(null);
    if (catalog === null || !enabled) return undefined;
    let live = true;
    void catalog.objects().then((list) => {
      if (live) setObjects(list.filter((o) => o.queryable));
    });
    return () => {
      live = false;
    };
  }, [catalog, enabled]);
  return objects;
}
