import { useEffect, useState } from 'react';
import { invoke } from './api';

/**
 * Whether main can open native file dialogs: true in Electron (`app:info` mode `electron`), false in browser mode, where the
 * Orgs area asks for paths in its own modal and the Load area has no folder dialog. False until `app:info` answers.
 */
export function useNativeDialogs(): boolean {
  const [native, setNative] = useState(false);
  useEffect(() => {
    let live = true;
    void invoke('app:info', {}).then((result) => {
      if (live && result.ok) setNative(result.value.mode === 'electron');
    });
    return () => {
      live = false;
    };
  }, []);
  return native;
}
