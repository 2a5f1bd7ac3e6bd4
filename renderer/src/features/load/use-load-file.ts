import { useCallback, useRef, useState } from 'react';
import type { CsvEncoding, LoadFileInfo } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { fileRef, invoke } from '../../lib/api';

/** A file on its way to main: bytes main has of its size (browser mode streams it; Electron hands over its path at once). */
export type FileSending = { name: string; sentBytes: number; totalBytes: number };

/** The file the Load area works on, and how far opening it got. */
export type LoadFileState = {
  file: LoadFileInfo | null;
  sending: FileSending | null;
  opening: boolean;
  /** Why the last file could not be opened (a bad CSV names its line). */
  error: AppError | null;
  /** The name of the file that failed, so the error and the encoding offer can say which. */
  failedName: string | null;
};

/** What the Load area can do with its file. */
export type LoadFileActions = {
  /** Hands a dropped or chosen file to main and reads it once (`load:open`): shape, first rows, row count. */
  open: (file: File, encoding?: CsvEncoding) => Promise<void>;
  /** Opens the last file again read as another encoding (offered when it is not UTF-8). */
  reopenAs: (encoding: CsvEncoding) => Promise<void>;
  /** Takes a file main already opened (the failure file of `load:retry-failed`). */
  adopt: (file: LoadFileInfo) => void;
};

const idle: LoadFileState = { file: null, sending: null, opening: false, error: null, failedName: null };

/**
 * The Load area's file: fileRef (path or upload, with progress) then `load:open`. The file it replaces is closed with
 * `load:close` (main removes an upload then) unless `keepOpen` says a load still reads it.
 */
export function useLoadFile(keepOpen: (fileId: string) => boolean): LoadFileState & LoadFileActions {
  const [state, setState] = useState<LoadFileState>(idle);
  const last = useRef<File | null>(null);
  const current = useRef<LoadFileInfo | null>(null);
  const keep = useRef(keepOpen);
  keep.current = keepOpen;

  const replace = useCallback((next: LoadFileInfo | null) => {
    const previous = current.current;
    current.current = next;
    if (previous !== null && previous.fileId !== next?.fileId && !keep.current(previous.fileId)) {
      void invoke('load:close', { fileId: previous.fileId });
    }
  }, []);

  const open = useCallback(
    async (file: File, encoding?: CsvEncoding) => {
      last.current = file;
      setState({ ...idle, file: current.current, sending: { name: file.name, sentBytes: 0, totalBytes: file.size }, opening: true });
      const ref = await fileRef(file, (sentBytes, totalBytes) =>
        setState((s) => (s.sending === null ? s : { ...s, sending: { name: file.name, sentBytes, totalBytes } })),
      );
      if (!ref.ok) {
        setState({ ...idle, file: current.current, error: ref.error, failedName: file.name });
        return;
      }
      setState((s) => ({ ...s, sending: null }));
      const opened = await invoke('load:open', { file: ref.value, name: file.name, ...(encoding === undefined ? {} : { encoding }) });
      if (!opened.ok) {
        setState({ ...idle, file: current.current, error: opened.error, failedName: file.name });
        return;
      }
      replace(opened.value);
      setState({ ...idle, file: opened.value });
    },
    [replace],
  );

  const reopenAs = useCallback(
    async (encoding: CsvEncoding) => {
      if (last.current !== null) await open(last.current, encoding);
    },
    [open],
  );

  const adopt = useCallback(
    (file: LoadFileInfo) => {
      last.current = null;
      replace(file);
      setState({ ...idle, file });
    },
    [replace],
  );

  return { ...state, open, reopenAs, adopt };
}
