/**
 * Spreadsheet safety for CSV exports (OWASP "CSV Injection"): a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
 * return is run as a formula when the file is opened in Excel (or LibreOffice, Google Sheets), so a record whose Name is
 * `=HYPERLINK(...)` could act on the person's machine. With the option on, such a cell gets a single quote in front (Excel
 * shows the rest as text and hides the quote) and is always quoted in the CSV. With it off, every value is written exactly.
 *
 * Decision on numbers: a cell that is a plain decimal number (`-5`, `+3.25`, `-1.5E+3`) is left as it is. Excel reads it
 * as a number, never as a formula, and prefixing it would turn every negative amount into text. Anything else that starts
 * with a trigger (`-5+2`, `-cmd`, `+1 555 0100`) is protected. The full-width forms of the four signs (U+FF1D, U+FF0B, U+FF0D,
 * U+FF20) are protected too: some spreadsheets fold them into the ASCII signs.
 */

/** The first characters that make a spreadsheet read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A plain decimal number with an optional sign and exponent: what Excel reads as a number. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** What a protected cell looks like once prefixed: csv-stringify's `quoted_match`, so every protected cell is quoted. */
export const PROTECTED_CELL = /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Whether a cell's text would start a formula in a spreadsheet (plain numbers never do). */
export function startsFormula(text: string): boolean {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);
}

/** Turns cell text into text a spreadsheet shows as written: `'` in front of a cell that would start a formula. */
export type FormulaGuard = {
  /** The cell as written to the file: unchanged when the guard is off or the cell is safe, else `'` + the cell. */
  cell(text: string): string;
  /** How many cells got the `'` so far (the export tells the person, so nothing is changed silently). */
  readonly protectedCells: number;
};

/** A guard for one export; `enabled: false` writes every value exactly as it is. */
export function createFormulaGuard(enabled: boolean): FormulaGuard {
  let protectedCells = 0;
  return {
    cell(text) {
      if (!enabled || !startsFormula(text)) return text;
      protectedCells += 1;
      return `'${text}`;
    },
    get protectedCells() {
      return protectedCells;
    },
  };
}
