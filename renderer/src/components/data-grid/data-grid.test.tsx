import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { DataGrid } from './data-grid';
import { createDateTimeFormatter } from './date-time-text';
import type { GridCell, GridColumn } from './grid-types';
import { stubElementSizes } from '../../../test/area-fixtures';

// jsdom lays nothing out: give the scroller a size so the virtualizer renders rows (toolchain.md).
stubElementSizes({ clientHeight: 400, clientWidth: 1000 });

const columns: GridColumn[] = [
  { id: 'Id', header: 'Id', kind: 'field' },
  { id: 'Name', header: 'Name', kind: 'field' },
  { id: 'Owner.Name', header: 'Owner.Name', kind: 'field' },
  { id: 'Contacts', header: 'Contacts', kind: 'children' },
];
const row = (i: number): GridCell[] => [
  '001000000000001AAA',
  i === 1 ? '' : `Account ${i}`,
  i === 1 ? null : 'Ada',
  { children: i % 3 },
];

describe('DataGrid', () => {
  it('renders only the rows on screen plus overscan out of a large result', () => {
    render(<DataGrid ariaLabel="Results" columns={columns} rowCount={200_000} getRow={row} />);
    const rows = screen.getAllByRole('row');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    expect(screen.getByText('Account 0')).toBeInTheDocument();
  });

  it('shows the columns in the given order with dotted parent paths', () => {
    render(<DataGrid ariaLabel="Results" columns={columns} rowCount={1} getRow={row} />);
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['#', 'Id', 'Name', 'Owner.Name', 'Contacts']);
  });

  it('draws null and the empty string differently', () => {
    render(<DataGrid ariaLabel="Results" columns={columns} rowCount={3} getRow={row} />);
    const second = screen.getAllByRole('row')[2]!;
    expect(within(second).getByText('null')).toHaveClass('orgdesk-grid__null');
    expect(within(second).getByTitle('empty string')).toHaveTextContent('""');
  });

  it('draws placeholders for rows still being fetched and reports the visible window', () => {
    const onRange = vi.fn();
    render(<DataGrid ariaLabel="Results" columns={columns} rowCount={1000} getRow={() => undefined} onVisibleRangeChange={onRange} />);
    expect(screen.getAllByLabelText('loading').length).toBeGreaterThan(0);
    expect(onRange).toHaveBeenCalledWith(0, expect.any(Number));
    const [, last] = onRange.mock.calls.at(-1) as [number, number];
    expect(last).toBeGreaterThan(10);
    expect(last).toBeLessThan(60);
  });

  it('cycles a column through ascending, descending and no sort, and adds keys with shift', () => {
    const onSort = vi.fn();
    const { rerender } = render(<DataGrid ariaLabel="Results" columns={columns} rowCount={1} getRow={row} sort={[]} onSortChange={onSort} />);
    fireEvent.click(screen.getByTitle(/Sort by Name/));
    expect(onSort).toHaveBeenLastCalledWith([{ column: 'Name', descending: false }]);
    rerender(<DataGrid ariaLabel="Results" columns={columns} rowCount={1} getRow={row} sort={[{ column: 'Name', descending: false }]} onSortChange={onSort} />);
    expect(screen.getAllByRole('columnheader')[2]).toHaveAttribute('aria-sort', 'ascending');
    fireEvent.click(screen.getByTitle(/Sort by Name/));
    expect(onSort).toHaveBeenLastCalledWith([{ column: 'Name', descending: true }]);
    fireEvent.click(screen.getByTitle(/Sort by Id/), { shiftKey: true });
    expect(onSort).toHaveBeenLastCalledWith([
      { column: 'Name', descending: false },
      { column: 'Id', descending: false },
    ]);
  });

  it('opens record ids through the owner', () => {
    const onOpen = vi.fn();
    render(<DataGrid ariaLabel="Results" columns={columns} rowCount={1} getRow={row} onOpenRecord={onOpen} />);
    fireEvent.click(screen.getByText('001000000000001AAA'));
    expect(onOpen).toHaveBeenCalledWith('001000000000001AAA');
  });

  it('expands a child subquery cell into the nested grid under its row', () => {
    render(
      <DataGrid
        ariaLabel="Results"
        columns={columns}
        rowCount={5}
        getRow={row}
        renderChildren={(rowIndex, column) => <p>children of {rowIndex} in {column}</p>}
      />,
    );
    const button = screen.getAllByRole('button', { name: /2 records/ })[0]!;
    fireEvent.click(button);
    expect(screen.getByText('children of 2 in Contacts')).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Contacts of row 3' })).toBeInTheDocument();
    fireEvent.click(screen.getAllByRole('button', { name: /2 records/ })[0]!);
    expect(screen.queryByText('children of 2 in Contacts')).not.toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /0 records/ })[0]).toBeDisabled();
  });

  it('selects a cell range with shift-click, reports it and copies it as TSV with a header', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    const onSelection = vi.fn();
    render(<DataGrid ariaLabel="Results" columns={columns} rowCount={10} getRow={row} onSelectionChange={onSelection} />);
    const cells = (r: number): HTMLElement[] => within(screen.getAllByRole('row')[r + 1]!).getAllByRole('gridcell');
    fireEvent.mouseDown(cells(0)[1]!);
    fireEvent.mouseUp(window);
    fireEvent.mouseDown(cells(2)[2]!, { shiftKey: true });
    expect(onSelection).toHaveBeenLastCalledWith({ firstRow: 0, lastRow: 2, columns: ['Name', 'Owner.Name'] });
    expect(cells(1)[2]).toHaveAttribute('aria-selected', 'true');
    fireEvent.keyDown(screen.getByRole('grid'), { key: 'c', ctrlKey: true });
    await vi.waitFor(() => expect(writeText).toHaveBeenCalled());
    expect(writeText).toHaveBeenCalledWith('Name\tOwner.Name\nAccount 0\tAda\n\t\nAccount 2\tAda');
  });

  it('shows date-times in the given time zone, the raw value on hover, and copies the raw value', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    const dated: GridColumn[] = [
      { id: 'Name', header: 'Name', kind: 'field' },
      { id: 'CreatedDate', header: 'CreatedDate', kind: 'field' },
      { id: 'Birthdate', header: 'Birthdate', kind: 'field' },
    ];
    const cells: GridCell[] = ['Ada', '2026-01-15T22:30:05.000+0000', '1815-12-10'];
    const tokyo = createDateTimeFormatter({ timeZone: 'Asia/Tokyo', locale: 'en-GB' });
    const { rerender } = render(<DataGrid ariaLabel="Results" columns={dated} rowCount={1} getRow={() => cells} formatDateTime={tokyo} />);
    const shown = screen.getByText('16 Jan 2026, 07:30:05');
    expect(shown).toHaveClass('orgdesk-grid__datetime');
    expect(screen.getByText('1815-12-10')).toBeInTheDocument();
    fireEvent.mouseOver(shown);
    expect(shown).toHaveAttribute('title', '2026-01-15T22:30:05.000+0000');
    fireEvent.mouseDown(shown);
    fireEvent.mouseUp(window);
    fireEvent.keyDown(screen.getByRole('grid'), { key: 'c', ctrlKey: true });
    await vi.waitFor(() => expect(writeText).toHaveBeenCalledWith('2026-01-15T22:30:05.000+0000'));

    rerender(<DataGrid ariaLabel="Results" columns={dated} rowCount={1} getRow={() => cells} />);
    expect(screen.getByText('2026-01-15T22:30:05.000+0000')).toBeInTheDocument();
  });

  it('fetches rows that are not loaded when a copy reaches beyond them', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    const fetchRows = vi.fn((first: number, count: number) => Promise.resolve(Array.from({ length: count }, (_, i) => row(first + i))));
    render(<DataGrid ariaLabel="Results" columns={columns} rowCount={100_000} getRow={(i) => (i < 50 ? row(i) : undefined)} fetchRows={fetchRows} />);
    const grid = screen.getByRole('grid');
    fireEvent.mouseDown(within(screen.getAllByRole('row')[1]!).getAllByRole('gridcell')[1]!);
    fireEvent.keyDown(grid, { key: 'a', ctrlKey: true });
    fireEvent.keyDown(grid, { key: 'c', ctrlKey: true });
    await vi.waitFor(() => expect(fetchRows).toHaveBeenCalledWith(0, 100_000));
  });

  it('moves a column when its header is dropped on another one, keeping the cells with it', () => {
    render(<DataGrid ariaLabel="Results" columns={columns} rowCount={1} getRow={row} />);
    const header = (name: string): HTMLElement => screen.getAllByRole('columnheader').find((h) => h.textContent?.startsWith(name) === true)!;
    const transfer = { data: '', setData(_type: string, value: string) { this.data = value; }, getData() { return this.data; } };
    fireEvent.dragStart(header('Owner.Name'), { dataTransfer: transfer });
    fireEvent.drop(header('Id'), { dataTransfer: transfer });
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['#', 'Owner.Name', 'Id', 'Name', 'Contacts']);
    expect(within(screen.getAllByRole('row')[1]!).getAllByRole('gridcell')[0]).toHaveTextContent('Ada');
  });

  it('resizes a column by dragging its separator', () => {
    render(<DataGrid ariaLabel="Results" columns={columns} rowCount={1} getRow={row} />);
    const nameHeader = screen.getAllByRole('columnheader')[2]!;
    const before = parseInt(nameHeader.style.width, 10);
    fireEvent.mouseDown(screen.getByRole('separator', { name: 'Resize Name' }), { clientX: 100 });
    fireEvent.mouseMove(document, { clientX: 180 });
    fireEvent.mouseUp(document, { clientX: 180 });
    expect(parseInt(screen.getAllByRole('columnheader')[2]!.style.width, 10)).toBe(before + 80);
    expect(parseInt(within(screen.getAllByRole('row')[1]!).getAllByRole('gridcell')[1]!.style.width, 10)).toBe(before + 80);
  });
  it('draws only the columns in view out of a wide result, and the rest after a horizontal scroll', () => {
    const wide: GridColumn[] = Array.from({ length: 40 }, (_, i) => ({ id: `Field${i}__c`, header: `Field${i}__c`, kind: 'field' }));
    const wideRow = (r: number): GridCell[] => wide.map((_, c) => `r${r}c${c}`);
    render(<DataGrid ariaLabel="Results" columns={wide} rowCount={10} getRow={wideRow} />);
    const firstRow = (): HTMLElement => screen.getAllByRole('row')[1]!;
    const cells = within(firstRow()).getAllByRole('gridcell');
    expect(cells.length).toBeGreaterThan(3);
    expect(cells.length).toBeLessThan(15);
    expect(cells[0]).toHaveTextContent('r0c0');
    expect(screen.getAllByRole('columnheader')).toHaveLength(41);
    const scroller = screen.getByTestId('grid-scroller');
    scroller.scrollLeft = 180 * 30;
    fireEvent.scroll(scroller);
    const shifted = within(firstRow()).getAllByRole('gridcell');
    expect(shifted.map((c) => c.textContent)).toContain('r0c32');
    expect(shifted.map((c) => c.textContent)).not.toContain('r0c0');
    expect(shifted[0]).toHaveAttribute('aria-colindex', String(Number(shifted[0]!.dataset['col']) + 2));
    expect(parseInt(shifted[0]!.style.marginLeft, 10)).toBeGreaterThan(0);
  });

  it('scrolls the focused cell into view when the selection moves with the arrow keys past the drawn columns', async () => {
    const wide: GridColumn[] = Array.from({ length: 40 }, (_, i) => ({ id: `Field${i}__c`, header: `Field${i}__c`, kind: 'field' }));
    render(<DataGrid ariaLabel="Results" columns={wide} rowCount={10} getRow={(r) => wide.map((_, c) => `r${r}c${c}`)} />);
    const scroller = screen.getByTestId('grid-scroller');
    const scrollTo = vi.fn((options: ScrollToOptions) => {
      if (options.left !== undefined) scroller.scrollLeft = options.left;
      fireEvent.scroll(scroller);
    });
    Object.defineProperty(scroller, 'scrollTo', { configurable: true, value: scrollTo });
    Object.defineProperty(scroller, 'scrollWidth', { configurable: true, value: 64 + 40 * 180 });
    fireEvent.mouseDown(screen.getByText('r0c0'));
    fireEvent.mouseUp(window);
    for (let i = 0; i < 30; i += 1) fireEvent.keyDown(screen.getByRole('grid'), { key: 'ArrowRight' });
    await vi.waitFor(() => expect(scroller.scrollLeft).toBeGreaterThan(0));
    await vi.waitFor(() => expect(screen.getByText('r0c30')).toBeInTheDocument());
    expect(screen.getByText('r0c30')).toHaveAttribute('aria-selected', 'true');
  });

  it('shows a cell\'s full text as its tooltip when hovered', () => {
    render(<DataGrid ariaLabel="Results" columns={columns} rowCount={3} getRow={row} />);
    const cell = within(screen.getAllByRole('row')[1]!).getAllByRole('gridcell')[1]!;
    fireEvent.mouseOver(cell);
    expect(cell).toHaveAttribute('title', 'Account 0');
  });

  it('leaves clicks inside a nested child grid to that grid', () => {
    const onOpen = vi.fn();
    render(
      <DataGrid
        ariaLabel="Results"
        columns={columns}
        rowCount={5}
        getRow={row}
        onOpenRecord={onOpen}
        renderChildren={() => <DataGrid ariaLabel="Children" columns={columns.slice(0, 2)} rowCount={1} getRow={() => ['003000000000001AAA', 'Ada']} />}
      />,
    );
    fireEvent.click(screen.getAllByRole('button', { name: /2 records/ })[0]!);
    const nested = screen.getByRole('grid', { name: 'Children' });
    const nestedCell = within(nested).getByText('Ada');
    fireEvent.mouseDown(nestedCell);
    fireEvent.click(within(nested).getByText('003000000000001AAA'));
    expect(onOpen).not.toHaveBeenCalled();
    expect(within(screen.getByRole('grid', { name: 'Results' })).getAllByRole('gridcell', { selected: true }).every((c) => nested.contains(c))).toBe(true);
  });

  it('copies only from the nested grid when Ctrl+C is pressed inside it', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    render(
      <DataGrid
        ariaLabel="Results"
        columns={columns}
        rowCount={5}
        getRow={row}
        renderChildren={() => <DataGrid ariaLabel="Children" columns={columns.slice(0, 2)} rowCount={1} getRow={() => ['003000000000001AAA', 'Ada']} />}
      />,
    );
    fireEvent.mouseDown(screen.getByText('Account 0'));
    fireEvent.mouseUp(window);
    fireEvent.click(screen.getAllByRole('button', { name: /2 records/ })[0]!);
    const nested = screen.getByRole('grid', { name: 'Children' });
    fireEvent.mouseDown(within(nested).getByText('Ada'));
    fireEvent.mouseUp(window);
    fireEvent.keyDown(nested, { key: 'c', ctrlKey: true });
    await vi.waitFor(() => expect(writeText).toHaveBeenCalled());
    expect(writeText).toHaveBeenCalledTimes(1);
    expect(writeText).toHaveBeenCalledWith('Ada');
  });

  it('keeps the rows\' elements when the rows on screen change, updating their text', () => {
    const { rerender } = render(<DataGrid ariaLabel="Results" columns={columns} rowCount={200_000} getRow={row} />);
    const before = new Set(screen.getAllByRole('row').slice(1));
    const scroller = screen.getByTestId('grid-scroller');
    scroller.scrollTop = 28 * 1000;
    fireEvent.scroll(scroller);
    rerender(<DataGrid ariaLabel="Results" columns={columns} rowCount={200_000} getRow={row} />);
    const reused = screen.getAllByRole('row').filter((r) => before.has(r));
    expect(reused.length).toBe(before.size);
    expect(screen.getByText('Account 1000')).toBeInTheDocument();
    expect(screen.queryByText('Account 0')).not.toBeInTheDocument();
  });
});
