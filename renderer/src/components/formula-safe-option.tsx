import { useId, type ReactNode } from 'react';
import { useStoredFlag } from '../lib/use-stored-flag';

/** What the spreadsheet-safety option does, in the words every CSV export shows (core/files/formula-guard.ts does it). */
const FORMULA_SAFE_EXPLANATION =
  "Cells that start with =, +, -, @, a tab or a line break get a ' in front, so Excel shows them as text instead of running them as formulas. Plain numbers such as -5 stay as they are. Off: every value is exported exactly as it is.";

/** The CSV exports' spreadsheet-safety choice (query and events share it), off until the person turns it on, kept across restarts. */
export function useFormulaSafeExport(): [boolean, (value: boolean) => void] {
  return useStoredFlag('export.csvFormulaSafe', false);
}

/** The checkbox beside a CSV export, with what it does as its description; while it is on, a line under it says so too. */
export function FormulaSafeOption({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }): ReactNode {
  const id = useId();
  return (
    <span className="orgdesk-formula-safe" style={{ display: 'inline-flex', flexDirection: 'column', fontSize: '0.8125rem' }}>
      <label title={FORMULA_SAFE_EXPLANATION} style={{ display: 'inline-flex', alignItems: 'center', gap: '4px', cursor: 'pointer' }}>
        <input type="checkbox" checked={checked} aria-describedby={`${id}-what`} onChange={(event) => onChange(event.target.checked)} /> Excel-safe CSV
      </label>
      <span id={`${id}-what`} className="slds-assistive-text">
        {FORMULA_SAFE_EXPLANATION}
      </span>
      {checked ? (
        <span className="slds-text-color_weak" style={{ fontSize: '0.75rem' }}>
          On: a &apos; goes before cells starting with = + - @, a tab or a line break.
        </span>
      ) : null}
    </span>
  );
}

/** What an export notice adds after the file name when the option was on (how many cells got a `'`, so no change is silent); nothing when off. */
export function protectedCellsText(formulaSafe: boolean, protectedCells: number): string {
  if (!formulaSafe) return '';
  if (protectedCells === 0) return '. Excel-safe CSV: no cell started like a formula, so every value is exact.';
  const cells = protectedCells === 1 ? '1 cell' : `${protectedCells.toLocaleString()} cells`;
  return `. Excel-safe CSV: ${cells} starting like a formula got a ' in front, so Excel shows them as text.`;
}
