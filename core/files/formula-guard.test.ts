import { describe, expect, it } from 'vitest';
import { createFormulaGuard, PROTECTED_CELL, startsFormula } from './formula-guard';

describe('the spreadsheet formula guard (OWASP CSV injection)', () => {
  it.each([
    ['=', '=HYPERLINK("http://evil.example","Click")'],
    ['+', '+cmd|" /C calc"!A0'],
    ['-', '-2+3'],
    ['@', '@SUM(1,1)'],
    ['a tab', '\t=1+1'],
    ['a carriage return', '\r=1+1'],
    ['a full-width =', '\uFF1D1+1'],
    ['a full-width +', '\uFF0B1'],
    ['a full-width -', '\uFF0D1'],
    ['a full-width @', '\uFF20SUM(1)'],
  ])('puts a quote before a cell starting with %s, counts it, and marks it for quoting', (_name, text) => {
    const guard = createFormulaGuard(true);
    const written = guard.cell(text);
    expect(written).toBe(`'${text}`);
    expect(PROTECTED_CELL.test(written)).toBe(true);
    expect(guard.protectedCells).toBe(1);
  });

  it.each(['-5', '+5', '-0.25', '-.5', '+3.', '-1.5E+3', '-2e-7', '42'])('leaves the plain number %s alone: Excel reads it as a number, not a formula', (text) => {
    expect(startsFormula(text)).toBe(false);
    expect(createFormulaGuard(true).cell(text)).toBe(text);
  });

  it.each(['-', '--5', '-5-', '-5 apples', '+1 555 0100', '- item', '-5%', '-1,000', '-Infinity', '-0x10'])('protects %s, which only looks like it starts a number', (text) => {
    expect(startsFormula(text)).toBe(true);
  });

  it.each(['Acme', '', ' =1+1', "'=1+1", 'a=b', 'café', '001000000000001AAA', '2024-01-31', 'x\t=1'])('leaves %j alone: it does not start with a trigger', (text) => {
    const guard = createFormulaGuard(true);
    expect(guard.cell(text)).toBe(text);
    expect(guard.protectedCells).toBe(0);
  });

  it('writes every value exactly when the option is off', () => {
    const guard = createFormulaGuard(false);
    for (const text of ['=1+1', '@A1', '-2+3', '\t=1']) expect(guard.cell(text)).toBe(text);
    expect(guard.protectedCells).toBe(0);
  });
});
