import { useCallback, useState } from 'react';

/** Where OrgDesk's renderer keeps its own small view preferences (raw date-times, panels open), one key per flag. */
const PREFIX = 'orgdesk.';

function read(key: string, initial: boolean): boolean {
  try {
    const stored = window.localStorage.getItem(PREFIX + key);
    return stored === null ? initial : stored === 'true';
  } catch {
    // Storage can be disabled (a locked-down browser profile): the flag then lasts as long as the page.
    return initial;
  }
}

/**
 * A yes/no view preference kept in the renderer's own storage (localStorage of the app's origin: app://orgdesk in
 * Electron, the browser-mode server's origin otherwise), so it survives a reload without a round trip to main.
 */
export function useStoredFlag(key: string, initial: boolean): [boolean, (value: boolean) => void] {
  const [value, setValue] = useState(() => read(key, initial));
  const set = useCallback(
    (next: boolean) => {
      setValue(next);
      try {
        window.localStorage.setItem(PREFIX + key, String(next));
      } catch {
        // Not kept; see read().
      }
    },
    [key],
  );
  return [value, set];
}
