/** The kinds of file OrgDesk saves: query exports (CSV, JSON), event exports (NDJSON) and an org's public certificate. */
export type SaveFileFormat = 'csv' | 'json' | 'ndjson' | 'certificate';

/** The kinds of file OrgDesk opens: a PEM private key to import into the keychain, a CSV file to load, a folder for a load's results. */
export type OpenFileFormat = 'private-key' | 'csv' | 'results-folder';

/** Picks where a file goes; null when the person cancelled. Electron: a save dialog; browser mode: a folder. */
export interface SaveFilePicker {
  /** Asks for the path of the file to write, starting from its suggested name. */
  pickSavePath(request: { suggestedName: string; format: SaveFileFormat }): Promise<string | null>;
}

/** Picks a file to read (or a folder); null when the person cancelled. Electron: an open dialog (browser mode has none). */
export interface OpenFilePicker {
  /** Asks for the path of one existing file (or folder, for `results-folder`). */
  pickOpenPath(request: { format: OpenFileFormat }): Promise<string | null>;
}

/** The title and filters a native dialog shows for each kind of file. */
export const SAVE_FILE_KINDS: Record<SaveFileFormat, { title: string; filters: { name: string; extensions: string[] }[] }> = {
  csv: { title: 'Export query results', filters: [{ name: 'CSV (UTF-8)', extensions: ['csv'] }] },
  json: { title: 'Export query results', filters: [{ name: 'JSON', extensions: ['json'] }] },
  ndjson: { title: 'Export events', filters: [{ name: 'NDJSON (one JSON event a line)', extensions: ['ndjson'] }] },
  certificate: { title: 'Save the certificate for the connected app', filters: [{ name: 'Certificate', extensions: ['crt', 'cer', 'pem'] }] },
};

/** The title and filters of the open dialog for each kind of file. */
export const OPEN_FILE_KINDS: Record<OpenFileFormat, { title: string; filters: { name: string; extensions: string[] }[] }> = {
  'private-key': {
    title: 'Import a private key (PEM)',
    filters: [
      { name: 'PEM private key', extensions: ['key', 'pem'] },
      { name: 'All files', extensions: ['*'] },
    ],
  },
  csv: {
    title: 'Choose a CSV file to load',
    filters: [
      { name: 'CSV file', extensions: ['csv', 'txt', 'tsv'] },
      { name: 'All files', extensions: ['*'] },
    ],
  },
  'results-folder': { title: "Choose the folder for the load's result files", filters: [] },
};
