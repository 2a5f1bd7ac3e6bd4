import { useCallback, useState, type ReactNode } from 'react';
import { invoke } from '../../lib/api';
import { useShowError } from '../../lib/app-errors';
import { useNativeDialogs } from '../../lib/use-native-dialogs';

/** The folder chosen for a load's result files: main's ref for it (what `load:start` takes) and its path to show. */
type ResultFolder = { ref: string; path: string };

/** Where the result files go, and how to change it: main's folder dialog in Electron; browser mode has none. */
type ResultFolderState = {
  native: boolean;
  folder: ResultFolder | null;
  choosing: boolean;
  choose: () => Promise<void>;
  reset: () => void;
};

/**
 * The result folder of the next load: beside the source file until the person picks one in main's folder dialog
 * (`load:choose-output-folder`). The page holds only the ref main minted for it; it never names a folder itself.
 */
export function useResultFolder(): ResultFolderState {
  const native = useNativeDialogs();
  const showError = useShowError();
  const [folder, setFolder] = useState<ResultFolder | null>(null);
  const [choosing, setChoosing] = useState(false);
  const choose = useCallback(async () => {
    setChoosing(true);
    const result = await invoke('load:choose-output-folder', {});
    setChoosing(false);
    if (!result.ok) {
      showError(result.error);
      return;
    }
    if (result.value.folder !== null) setFolder(result.value.folder);
  }, [showError]);
  const reset = useCallback(() => setFolder(null), []);
  return { native, folder, choosing, choose, reset };
}

/** The result folder line of the Load area (Electron only): where the files go, a button to choose, one to go back. */
export function ResultFolderField({ state, disabled }: { state: ResultFolderState; disabled: boolean }): ReactNode {
  if (!state.native) return null;
  return (
    <div className="slds-form-element">
      <span className="slds-form-element__label">Result files</span>
      <div className="slds-form-element__control orgdesk-load-row">
        <span className="slds-text-body_small" role="status">
          {state.folder === null ? 'Beside the source file' : <code title={state.folder.path}>{state.folder.path}</code>}
        </span>
        <button type="button" className="slds-button slds-button_neutral" disabled={disabled || state.choosing} onClick={() => void state.choose()}>
          {state.folder === null ? 'Choose a folder…' : 'Change…'}
        </button>
        {state.folder === null ? null : (
          <button type="button" className="slds-button" disabled={disabled} onClick={state.reset}>
            Beside the source file
          </button>
        )}
      </div>
    </div>
  );
}
